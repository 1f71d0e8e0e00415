#!/usr/bin/env python3
"""Prints the X-Twilio-Signature Twilio sends: Base64(HMAC-SHA1(auth token, URL + each form pair, sorted by name)).

usage: twilio_sign.py TOKEN URL [name=value ...]
A request's signature depends only on its URL and form, so a load run computes it once for a fixed request.
"""
import base64
import hashlib
import hmac
import sys


def sign(token: str, url: str, pairs: list[tuple[str, str]]) -> str:
    data = url + "".join(name + value for name, value in sorted(pairs))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    print(sign(sys.argv[1], sys.argv[2], [tuple(p.split("=", 1)) for p in sys.argv[3:]]))
