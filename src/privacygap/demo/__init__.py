"""The bundled fictional example company for `privacygap demo`.

Rheinblick Agentur für Vertriebsberatung GmbH (Düsseldorf, invented): a small German website
with a deliberately flawed cookie banner and privacy statement (`site/`), HubSpot property
exports, CRM notes and an internal CRM guideline (`crm/`). `EXPECTED.md` lists what a scan
must reveal. `serve_demo_site()` serves the site on loopback; `demo_paths()` names the files.
"""

from privacygap.demo.server import demo_paths, serve_demo_site

__all__ = ["demo_paths", "serve_demo_site"]
