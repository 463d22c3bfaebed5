"""Package verification reports a member changed in place as a reason, not a crash."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from dueprocess.execution.verify import MANIFEST, SIGNATURE, verify_zip


def test_a_member_changed_in_place_is_named_as_damaged() -> None:
    key = Ed25519PrivateKey.generate()
    body = b'{"name": "original"}'
    manifest = json.dumps({"files": [{"name": "data.json", "size": len(body),
                                      "sha256": hashlib.sha256(body).hexdigest()}]}).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("data.json", body)
        zf.writestr(MANIFEST, manifest)
        zf.writestr(SIGNATURE, key.sign(manifest))
    good = out.getvalue()
    assert verify_zip(io.BytesIO(good), key.public_key()).ok
    changed = good.replace(b'"original"', b'"replaced"')
    result = verify_zip(io.BytesIO(changed), key.public_key())
    assert not result.ok
    assert result.problems and result.problems[0].startswith("data.json: damaged")
