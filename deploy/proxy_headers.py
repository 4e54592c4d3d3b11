"""Write the security headers for Caddy and nginx from the built frontend.

`reflex run --backend-only` does not serve the pages, so the proxy must send the headers the
app would (cers_app/core/security_headers.py): the same policy, allowing the inline scripts of
every built page (one policy for all pages, where the app sends each page only its own).
Run after every `reflex export`:

    python deploy/proxy_headers.py .web/build/client /etc/opencers
"""

from __future__ import annotations

import sys
from pathlib import Path

from starlette.datastructures import MutableHeaders

from cers_app.core import security_headers


def headers_for(build: Path) -> dict[str, str]:
    """The header values for the pages under `build` (a `reflex export --no-zip` folder)."""
    hashes: list[str] = []
    for page in sorted(build.rglob("*.html")):
        for source in security_headers.inline_script_hashes(page.read_bytes()):
            if source not in hashes:
                hashes.append(source)
    headers = MutableHeaders()
    security_headers._baseline(headers)  # the app's own defaults, not a copy
    headers["Content-Security-Policy"] = security_headers.content_security_policy(hashes)
    return dict(headers.items())


def main(argv: list[str]) -> int:
    """Write headers.caddy and headers.nginx.conf into the output folder."""
    if len(argv) != 2 or not Path(argv[0]).is_dir():
        print("usage: python deploy/proxy_headers.py BUILD_DIR OUT_DIR", file=sys.stderr)
        return 2
    headers = headers_for(Path(argv[0]))
    out = Path(argv[1])
    caddy = ["header {"] + [f'\t{name} "{value}"' for name, value in headers.items()] + ["}"]
    nginx = [f'add_header {name} "{value}" always;' for name, value in headers.items()]
    (out / "headers.caddy").write_text("\n".join(caddy) + "\n")
    (out / "headers.nginx.conf").write_text("\n".join(nginx) + "\n")
    print(f"wrote {out}/headers.caddy and {out}/headers.nginx.conf ({len(headers)} headers)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
