// `start --help`, apart from start.ts so that `help` and the other subcommands need not load the proxy.
export const START_HELP = `Usage: llm-proxy-sharegpt start [options]

Starts the proxy: http://HOST:PORT/{target_domain}/{api_path} -> https://{target_domain}/{api_path}

Options:
  --port N            port to listen on (default 8080, env PORT)
  --host ADDR         address to bind (default 127.0.0.1; use 0.0.0.0 to serve other machines)
  --config FILE       config file (default ./config.json when present, else built-in defaults)
  --log-level LEVEL   debug | info | warn | error (DEBUG/INFO/WARNING/ERROR accepted; default info)
  --log-file FILE     JSON-lines log file (default proxy.log; "-" or "" disables)
  --db PATH|URL       where recordings go: a SQLite file (default ./data/llm-proxy.db) or
                      postgres://user:pass@host:port/db (env DB, config recording.database.url)
  --no-record         proxy only: record nothing
  --workers N         run N proxy processes sharing the port (node:cluster), one shared store
                      writer in the primary (default 1; "auto" = one per CPU core)
  --ui-port N         review UI port (default 5000, env UI_PORT)
  --ui-host ADDR      review UI address (default 127.0.0.1, env UI_HOST); any other needs an admin token
  --admin-token TOKEN secret the UI and admin API require (env ADMIN_TOKEN)
  --no-ui             do not serve the review UI
  -h, --help          show this help
`;
