#!/usr/bin/env python3
"""A deliberately careless ENT portal, standard library only: the kind of application Ent.Consent.Gateway is put in
front of. On every page it sets a Google Analytics and a Matomo cookie from the server, embeds a YouTube video and an
analytics tag without any consent marking, and it has a sign-in that sets its own session cookie.

    python3 portal.py --port 8080
"""
import argparse
import html
import secrets
from http.server import HTTPServer, BaseHTTPRequestHandler
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

SESSIONS = {}

PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - ENT du lycée (exemple)</title>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-CARELESS1"></script>
<link rel="stylesheet" href="/static/portal.css">
</head>
<body>
<header><p>ENT du lycée (exemple)</p>
<nav aria-label="Menu"><a href="/">Accueil</a> <a href="/vie-scolaire">Vie scolaire</a></nav></header>
<main>
<h1>{title}</h1>
{user}
<p>La vidéo de présentation du lycée :</p>
<iframe title="Présentation du lycée" width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>
</main>
</body>
</html>
"""

SIGN_IN = """<form method="post" action="/login"><p><label for="user">Identifiant</label>
<input id="user" name="user" value="eleve1"> <button type="submit" data-portal-action="sign-in">Se connecter</button></p></form>"""

SIGNED_IN = """<p>Connecté en tant que <strong data-portal-user>{name}</strong>.</p>
<form method="post" action="/logout"><button type="submit" data-portal-action="sign-out">Se déconnecter</button></form>"""

CSS = b"body{font-family:sans-serif;max-width:50rem;margin:auto;padding:1rem}iframe{max-width:100%}"


class Portal(BaseHTTPRequestHandler):
    server_version = "CarelessPortal/1.0"

    def session_user(self):
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        morsel = cookie.get("PORTALSESSID")
        return SESSIONS.get(morsel.value) if morsel else None

    def trackers(self):
        # Written on every page, whatever the visitor said: the portal knows nothing of consent.
        self.send_header("Set-Cookie", "_ga=GA1.1.1234567890.1700000000; Max-Age=63072000; Path=/")
        self.send_header("Set-Cookie", "_pk_id.1.a1b2=0123456789abcdef.1700000000.; Max-Age=34128000; Path=/")

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/static/portal.css":
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(CSS)))
            self.end_headers()
            self.wfile.write(CSS)
            return
        if path not in ("/", "/vie-scolaire"):
            self.send_error(404, "Page introuvable")
            return
        user = self.session_user()
        body = PAGE.format(
            title="Accueil" if path == "/" else "Vie scolaire",
            user=SIGNED_IN.format(name=html.escape(user)) if user else SIGN_IN,
        ).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.trackers()
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode("utf-8"))
        self.send_response(302)
        self.send_header("Location", "/")
        if self.path == "/login":
            session = secrets.token_urlsafe(24)
            SESSIONS[session] = (form.get("user") or ["eleve1"])[0]
            self.send_header("Set-Cookie", f"PORTALSESSID={session}; HttpOnly; SameSite=Lax; Path=/")
        elif self.path == "/logout":
            self.send_header("Set-Cookie", "PORTALSESSID=; Max-Age=0; Path=/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="A careless ENT portal for the Ent.Consent gateway sample.")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port, printed on the first line")
    parser.add_argument("--host", default="127.0.0.1")
    arguments = parser.parse_args()
    server = HTTPServer((arguments.host, arguments.port), Portal)
    print(f"http://{arguments.host}:{server.server_address[1]}", flush=True)
    server.serve_forever()
