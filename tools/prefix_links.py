#!/usr/bin/env python3
"""Puts `{{ base }}` before every study link of the web app's templates (issue 28 step 2).

Global paths stay as they are: /static/, /login, /logout, /s/ (survey links) and the brand
link to the installation's home. Run it again on a template written with bare links.
"""
import re, sys, pathlib
GLOBAL = ("/static/", "/login", "/logout", "/s/")
pat = re.compile(r'((?:href|action|formaction)=")(/[^"]*)"')
def fix(text):
    def rep(m):
        attr, url = m.group(1), m.group(2)
        if url.startswith(GLOBAL):
            return m.group(0)
        return f'{attr}{{{{ base }}}}{url}"'
    return pat.sub(rep, text)
for p in sys.argv[1:]:
    path = pathlib.Path(p)
    s = path.read_text()
    t = fix(s)
    if t != s:
        path.write_text(t)
