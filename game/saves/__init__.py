"""Runs kept on disk: save files (`files`), a player's session with autosave and the endings record
(`session`), and the file locks that keep two running games apart (`locks`)."""
