#!/usr/bin/env python3
"""Writes small SGLang per_token dumps in torch.save's zip layout, without torch.

torch.save (torch >= 1.6) writes a ZIP archive of stored entries: <name>/data.pkl (a protocol 2
pickle whose tensors are persistent ids ('storage', torch.<Type>Storage, key, 'cpu', numel)
rebuilt by torch._utils._rebuild_tensor_v2), <name>/data/<key> (raw little-endian storages),
<name>/byteorder and <name>/version. This script emulates that layout with the standard library
(fake 'torch' modules so that pickle writes the same globals) to test moesim's reader. It was
checked against the documented layout only, not against a dump from a real SGLang server.

Run from this directory: python3 make_fixtures.py   (the outputs are committed)
"""

import collections
import io
import os
import pickle
import struct
import sys
import types
import zipfile

torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils
torch._utils = torch_utils


def _rebuild_tensor_v2(*args):
    raise RuntimeError("never called: only pickled")


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2

STORAGE_FORMATS = {"IntStorage": "<i", "LongStorage": "<q", "FloatStorage": "<f"}
for _name in STORAGE_FORMATS:
    _cls = type(_name, (), {"__module__": "torch"})
    setattr(torch, _name, _cls)


class Storage:
    def __init__(self, type_name, values):
        self.type_name = type_name
        self.values = values


class Tensor:
    """A contiguous tensor: flat values and sizes."""

    def __init__(self, type_name, values, sizes):
        count = 1
        for s in sizes:
            count *= s
        assert count == len(values)
        self.storage = Storage(type_name, values)
        self.sizes = tuple(sizes)
        strides = []
        step = 1
        for s in reversed(sizes):
            strides.insert(0, step)
            step *= s
        self.strides = tuple(strides)

    def __reduce_ex__(self, protocol):
        return (_rebuild_tensor_v2,
                (self.storage, 0, self.sizes, self.strides, False, collections.OrderedDict()))


class TorchPickler(pickle.Pickler):
    def __init__(self, file, storages):
        super().__init__(file, protocol=2)
        self.storages = storages

    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            key = str(len(self.storages))
            self.storages.append((key, obj))
            return ("storage", getattr(torch, obj.type_name), key, "cpu", len(obj.values))
        return None


def storage_bytes(storage):
    fmt = STORAGE_FORMATS[storage.type_name]
    return b"".join(struct.pack(fmt, v) for v in storage.values)


def write_torch_save(path, obj, compress=False, protocol_override=None):
    storages = []
    buf = io.BytesIO()
    TorchPickler(buf, storages).dump(obj)
    data = buf.getvalue()
    if protocol_override is not None:
        data = bytes([0x80, protocol_override]) + data[2:]
    name = os.path.splitext(os.path.basename(path))[0]
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=method) as z:
        z.writestr(aligned(z, f"{name}/data.pkl"), data)
        z.writestr(aligned(z, f"{name}/byteorder"), b"little")
        for key, storage in storages:
            z.writestr(aligned(z, f"{name}/data/{key}"), storage_bytes(storage))
        z.writestr(aligned(z, f"{name}/version"), b"3\n")


def aligned(z, name):
    """A ZipInfo whose data starts on a 64-byte boundary, as torch pads with an extra field."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = z.compression
    header = 30 + len(name.encode())
    pad = (-(z.fp.tell() + header + 4)) % 64
    info.extra = struct.pack("<HH", 0x4246, pad) + b"Z" * pad  # 'FB' padding, as torch's writer
    return info


def topk_tensor(layers, tokens, rows):
    """rows[(layer, token)] = list of expert ids; every other slot is -1 (8 slots)."""
    values = []
    for layer in range(layers):
        for token in range(tokens):
            chosen = rows.get((layer, token), [])
            values.extend(chosen + [-1] * (8 - len(chosen)))
    return Tensor("IntStorage", values, [layers, tokens, 8])


def record(pass_id, mode, positions, seq_lens, rows, layers=2):
    tokens = len(positions)
    return {
        "forward_pass_id": pass_id,
        "rank": 0,
        "gatherer_key": "primary",
        "input_ids": [100 + i for i in range(tokens)],
        "positions": positions,
        "extend_seq_lens": seq_lens,
        "forward_mode": mode,
        "topk_ids_of_layer": topk_tensor(layers, tokens, rows),
        "misc_objects": [{"layer_id": 0, "ratio": 0.5, "delta": -7}],
        "global_physical_count": Tensor("LongStorage", [0] * (layers * 6), [layers, 6]),
    }


# Two layers, 6 physical experts mapping onto 4 logical ones (physical 4 and 5 are replicas of
# logical 0 and 1). EXTEND = 1, DECODE = 2, IDLE = 4 (SGLang's ForwardMode).
MAP = Tensor("LongStorage", [0, 1, 2, 3, 0, 1, 0, 1, 2, 3, 0, 1], [2, 6])
EXTEND_ROWS = {(0, 0): [0, 1], (0, 1): [2, 4], (0, 2): [3, 5], (0, 3): [1, 2], (0, 4): [0, 3],
               (1, 0): [5, 2], (1, 1): [1, 3], (1, 2): [2, 0], (1, 4): [3, 1]}  # (1, 3): none
DECODE_ROWS = {(0, 0): [4, 2], (0, 1): [3], (1, 0): [1, 0], (1, 1): [2, 5]}


def good():
    return {
        "records": [
            record(10, 1, [0, 1, 2, 4, 5], [3, 2], EXTEND_ROWS),
            record(2**33, 2, [3, 6], None, DECODE_ROWS),  # a large id pickles as LONG1
            record(2**33 + 1, 4, [], None, {}),
        ],
        "last_physical_to_logical_map": MAP,
    }


def main():
    write_torch_save("per_token_rank0.pt", good())
    no_map = good()
    del no_map["last_physical_to_logical_map"]
    write_torch_save("per_token_no_map.pt", no_map)
    # The same dump with ZIP64 records, as an archive past 4 GiB would have: lowering
    # zipfile's limit makes it write ZIP64 extra fields and end records for a small file.
    limit = zipfile.ZIP64_LIMIT
    zipfile.ZIP64_LIMIT = 16
    write_torch_save("per_token_zip64.pt", good())
    zipfile.ZIP64_LIMIT = limit

    bad = good()
    bad["records"][0]["forward_mode"] = 3
    write_torch_save("bad_mixed_mode.pt", bad)
    bad = good()
    bad["records"][0]["extend_seq_lens"] = [3, 1]
    write_torch_save("bad_seq_lens.pt", bad)
    bad = good()
    bad["records"][1]["topk_ids_of_layer"] = topk_tensor(2, 3, {})
    write_torch_save("bad_shape.pt", bad)
    bad = good()
    bad["records"][1]["topk_ids_of_layer"] = topk_tensor(2, 2, {(1, 1): [9]})
    write_torch_save("bad_expert.pt", bad)
    bad = good()
    bad["records"][0]["gatherer_key"] = os.getcwd  # a global torch.save never writes
    write_torch_save("bad_global.pt", bad)
    write_torch_save("bad_compressed.pt", good(), compress=True)
    write_torch_save("bad_protocol.pt", good(), protocol_override=4)


if __name__ == "__main__":
    main()
