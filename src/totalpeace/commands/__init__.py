"""Command-line commands, one module each, registered in totalpeace.cli."""
