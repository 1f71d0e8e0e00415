#!/usr/bin/env python3
"""Independent oracle for the prompt-key encoding (docs/caching.md): prints the golden keys pinned in
tests/IvrVoice.Prompts.Tests/PromptKeysTests.cs. Each field is name then value, each as a 4-byte big-endian
length followed by UTF-8, in the fixed order below; the key is the SHA-256 of the whole as lowercase hex."""
import hashlib
import struct


def key(fields):
    data = b""
    for name, value in fields:
        for part in (name, value):
            utf8 = part.encode("utf-8")
            data += struct.pack(">I", len(utf8)) + utf8
    return hashlib.sha256(data).hexdigest()


head = [("encoding", "ivrvoice.prompt-key/1"), ("pipeline", "1"), ("text", "Thank you for calling Northwind Dental."),
        ("voice", "Kore"), ("style", "calm, warm"), ("language", "en-US"), ("model", "gemini-3.1-flash-tts")]
tail = [("mastering", "off"), ("output", "mulaw-wav")]
print("baseline", key(head + [("temperature", ""), ("speakers", "0")] + tail))
print("speakers", key(head + [("temperature", "1"), ("speakers", "2"), ("speaker.name", "Agent"), ("speaker.voice", "Kore"),
                              ("speaker.name", "Caller"), ("speaker.voice", "Puck")] + tail))
