#!/usr/bin/env bash
# The demo walkthrough (npm run demo): two users share one datastore root; each runs
# TeamCollabFlow; the client reads runs by namespace; AccessOtherNamespace reads across
# namespaces; a production deployment lives in its own namespace.
# The runs go to ./.tsflow of the checkout (TSFLOW_DEMO_ROOT=DIR puts them in DIR/.tsflow), the root
# every tsflow command and client script run from the checkout finds by default, so they can be
# read again afterwards: TSFLOW_USER=alice npx tsflow exec examples/read-runs.ts teammate
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="${TSFLOW_DEMO_ROOT:-$PWD}"
export TSFLOW_DATASTORE_ROOT="$ROOT/.tsflow"
export TSFLOW_PRODUCTION_TOKEN=""
tsflow() { node bin/tsflow.js "$@"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "the demo's datastore root: $TSFLOW_DATASTORE_ROOT"
say "alice runs TeamCollabFlow"
TSFLOW_USER=alice tsflow run examples/team-collab.ts
say "teammate runs TeamCollabFlow"
TSFLOW_USER=teammate tsflow run examples/team-collab.ts
say "alice reads runs back with the client (examples/read-runs.ts)"
TSFLOW_USER=alice tsflow exec examples/read-runs.ts teammate
say "alice: AccessOtherNamespace, default namespace, then --other-namespace user:teammate"
TSFLOW_USER=alice tsflow run examples/access-other-namespace.ts
TSFLOW_USER=alice tsflow run examples/access-other-namespace.ts --other-namespace user:teammate
say "runs of TeamCollabFlow: alice's namespace, then global"
TSFLOW_USER=alice tsflow runs TeamCollabFlow
TSFLOW_USER=alice tsflow runs TeamCollabFlow --global
say "production: alice deploys, bob cannot redeploy without the token, a triggered run"
TSFLOW_USER=alice tsflow deploy examples/team-collab.ts
TSFLOW_USER=bob tsflow deploy examples/team-collab.ts || echo "(bob was refused, as expected)"
TSFLOW_USER=alice tsflow trigger TeamCollabFlow
say "every namespace with its run count"
TSFLOW_USER=alice tsflow namespaces
say "done: the runs are in $TSFLOW_DATASTORE_ROOT"
if [ "$ROOT" = "$PWD" ]; then echo "read them again: TSFLOW_USER=alice npx tsflow exec examples/read-runs.ts teammate"
else echo "read them again: TSFLOW_DATASTORE_ROOT=$TSFLOW_DATASTORE_ROOT TSFLOW_USER=alice npx tsflow exec examples/read-runs.ts teammate"; fi
