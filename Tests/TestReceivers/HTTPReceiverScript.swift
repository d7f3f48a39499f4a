/// An HTTP receiver that appends every request (path, headers in order, body) as a JSON line to `requests.jsonl`.
///
/// Paths choose the answer: `/flaky...` answers 500 to its first two requests then 200, `/hang...` sleeps 30 s,
/// `/reset...` resets the connection without answering,
/// `/status/N` answers N, anything else 200.
public let httpReceiverScript = #"""
import json, os, socket, struct, sys, threading, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

log_path = os.path.join(sys.argv[1], "requests.jsonl")
counts = {}
lock = threading.Lock()

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            counts[self.path] = counts.get(self.path, 0) + 1
            count = counts[self.path]
            record = {"path": self.path, "headers": [[k, v] for k, v in self.headers.items()],
                      "body": body.decode("utf-8", "replace")}
            with open(log_path, "a") as f:
                f.write(json.dumps(record) + "\n")
        if self.path.startswith("/reset"):
            # An abortive close: the client sees the connection reset, not an answer.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if self.path.startswith("/hang"):
            time.sleep(30)
        status = 200
        if self.path.startswith("/flaky") and count <= 2:
            status = 500
        if self.path.startswith("/status/"):
            status = int(self.path.split("/")[2])
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
"""#
