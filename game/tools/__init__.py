"""Authoring tools over the engine: playtests and the exhaustive search (`playtest`), the story map
(`graph`), templates for new stories and scenes (`scaffold`), word counts and branching (`stats`) and noticing
edits (`watch`)."""
