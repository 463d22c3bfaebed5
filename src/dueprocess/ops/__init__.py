"""What an operator needs to run dueprocess: probes, metrics, request ids, JSON logs, and the
start-up checks that turn a bad setting into one line instead of a traceback."""
