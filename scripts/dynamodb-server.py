"""Serves moto's DynamoDB backend on 127.0.0.1:<port> for the handler tests.

Usage: .cache/venv/bin/python scripts/dynamodb-server.py <port>

moto's in-memory backend has no per-item locking, so a threaded server could interleave one
request's condition check with another's write and show races real DynamoDB never has. Serving one
request at a time keeps every request atomic, as a conditional write or a transaction is in DynamoDB.
"""
import sys

from moto.server import MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit('usage: dynamodb-server.py <port>')
    port = int(sys.argv[1])
    # Only the DynamoDB app: requests need no host-based dispatch, and no other service is started.
    app = create_backend_app('dynamodb')
    # A line the test harness can wait for, printed before the (blocking) server loop starts.
    print(f'dynamodb-server: listening on 127.0.0.1:{port}', flush=True)
    run_simple('127.0.0.1', port, app, threaded=False, processes=1,
               request_handler=MotoRequestHandler, use_reloader=False, use_debugger=False)


if __name__ == '__main__':
    main()
