#!/usr/bin/env python3
"""Writes the G.711 test vectors from Python's audioop, which implements the ITU-T/Sun g711.c reference.

Output: tests/IvrVoice.Audio.Tests/TestData/g711-audioop.bin.gz, gzip (mtime 0, so reruns are byte-identical) of
  65,536 bytes  lin2ulaw of every int16, in order -32768..32767
  65,536 bytes  lin2alaw of every int16, same order
     512 bytes  ulaw2lin of every code 0..255, int16 little-endian
     512 bytes  alaw2lin of every code 0..255, int16 little-endian
audioop was removed in Python 3.13; run this with 3.12 or older (3.11 here). The tests read the committed file.
"""
import gzip
import io
import os
import struct
import sys
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

every_int16 = struct.pack("<65536h", *range(-32768, 32768))
every_code = bytes(range(256))
payload = (
    audioop.lin2ulaw(every_int16, 2)
    + audioop.lin2alaw(every_int16, 2)
    + audioop.ulaw2lin(every_code, 2)
    + audioop.alaw2lin(every_code, 2)
)
assert len(payload) == 2 * 65536 + 2 * 512

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "IvrVoice.Audio.Tests", "TestData", "g711-audioop.bin.gz")
buffer = io.BytesIO()
with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
    gz.write(payload)
with open(out, "wb") as f:
    f.write(buffer.getvalue())
print(f"wrote {os.path.normpath(out)} ({len(buffer.getvalue())} bytes, python {sys.version.split()[0]})")
