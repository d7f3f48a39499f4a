/// An aiosmtpd server that saves each message as `N.json` (envelope, decoded headers, decoded parts, TLS and AUTH).
///
/// Recipients starting with "reject" get "550 5.1.1 no such user". Options after the record directory:
/// `auth` requires AUTH (user "alice", password "s3cret"); `tls CERT KEY` offers STARTTLS; `smtps CERT KEY` speaks
/// TLS from the first byte.
let smtpReceiverScript = #"""
import asyncio, json, os, ssl, sys
from email import message_from_bytes
from email.policy import default
from aiosmtpd.smtp import SMTP, AuthResult

outdir = sys.argv[1]
options = sys.argv[2:]
counter = [0]

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content, policy=default)
        parts = []
        for part in msg.walk():
            if part.get_content_maintype() == "multipart":
                continue
            parts.append({"type": part.get_content_type(), "text": part.get_content()})
        counter[0] += 1
        record = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                  "headers": [[k, str(v)] for k, v in msg.items()], "parts": parts,
                  "tls": session.ssl is not None, "authenticated": bool(session.authenticated)}
        with open(os.path.join(outdir, "%d.json" % counter[0]), "w") as f:
            json.dump(record, f)
        return "250 2.0.0 Ok queued"

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"alice" and auth_data.password == b"s3cret"
    # handled=False: aiosmtpd then answers a failure with 535 itself.
    return AuthResult(success=ok, handled=False)

kwargs = {"hostname": "localhost", "authenticator": authenticator, "auth_require_tls": False,
          "auth_required": "auth" in options}
if "tls" in options:
    index = options.index("tls")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(options[index + 1], options[index + 2])
    kwargs["tls_context"] = context

implicit = None
if "smtps" in options:
    index = options.index("smtps")
    implicit = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    implicit.load_cert_chain(options[index + 1], options[index + 2])

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(Handler(), **kwargs), "127.0.0.1", 0, ssl=implicit)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())
"""#
