"""The game in a browser (`escape serve`): the full-screen game through textual-serve, a plain HTML page for
screen readers, and a saves folder of its own for each player. Only this package imports the web server."""
