"""Not code to run: `make(path)` writes a zip of 200,000 folder entries (the breach used 1,000,000; either
passed the 500-file cap, and the listing alone cost the staging process seconds and hundreds of MiB)."""
# attack: {"runner": "entry", "status": "unreadable", "reason": "entries"}
import struct
import zlib

ENTRIES = 200_000


def make(path):
    """Written by hand (zipfile takes ~10 s for this many): local headers, central directory, end record."""
    local, central, offset = [], [], 0
    for number in range(ENTRIES):
        name = b"d%06d/" % number
        header = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 0, 0, 0, zlib.crc32(b""), 0, 0, len(name), 0)
        local.append(header + name)
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, len(name),
                                   0, 0, 0, 0, 0o40755 << 16, offset) + name)
        offset += len(header) + len(name)
    listing = b"".join(central)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, len(listing), offset, 0)
    with open(path, "wb") as out:
        out.write(b"".join(local) + listing + end)
