#!/bin/sh
# The image's command: `server` (the default), `worker` (a render worker on the queue), or any
# other command as given. exec, so that tini's signals reach Node itself.
set -eu
case "${1:-server}" in
  server) exec node dist/server.mjs ;;
  worker) exec node dist/worker.mjs ;;
  *) exec "$@" ;;
esac
