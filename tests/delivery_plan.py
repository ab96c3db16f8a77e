"""Every recipient of a blast as the store holds it, for tests that look beside the server: the blast's plan
(migration 5, src/store/delivery_plan.h: chunks of encoded entries) and the `deliveries` rows of the
deliveries that left it. An independent reader of the chunk format, so a change to it that the C++ reads
back consistently but wrongly still fails here."""

from __future__ import annotations

import json
import sqlite3

QUEUED, SUPPRESSED, BLOCKED, STOPPED = 0, 8, 9, 11


def _varint(b: bytes, i: int) -> tuple[int, int]:
    v = shift = 0
    while True:
        byte = b[i]
        i += 1
        v |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return v, i


def _signed(b: bytes, i: int) -> tuple[int, int]:
    u, i = _varint(b, i)
    return (u >> 1) ^ -(u & 1), i


def _bytes(b: bytes, i: int) -> tuple[bytes, int]:
    n, i = _varint(b, i)
    return b[i:i + n], i + n


def decode_chunk(blob: bytes) -> list[dict]:
    """One chunk's entries: person_id, state, reason, next_at."""
    assert blob[0] == 1, "unknown plan chunk format"
    count, i = _varint(blob, 1)
    base, i = _signed(blob, i)
    out = []
    for _ in range(count):
        state = blob[i]
        reason, i = _bytes(blob, i + 1)
        next_at = 0
        if state == QUEUED:
            delta, i = _signed(blob, i)
            next_at = base + delta
        person, i = _bytes(blob, i)
        out.append({"person_id": person.decode(), "state": state, "reason": reason.decode(), "next_at": next_at})
    assert i == len(blob), "trailing bytes in a plan chunk"
    return out


def plan(db: sqlite3.Connection, mid: str) -> tuple[list[dict], bool] | None:
    """The plan's entries in seq order and whether it was stopped; None when the message has no plan."""
    head = db.execute("SELECT entries, stopped FROM delivery_plans WHERE message_id = ?", (mid,)).fetchone()
    if head is None:
        return None
    entries = []
    for (blob,) in db.execute("SELECT entries FROM delivery_plan_chunks WHERE message_id = ? ORDER BY chunk",
                              (mid,)):
        entries += decode_chunk(blob)
    assert len(entries) == head[0], (len(entries), head)
    return entries, bool(head[1])


def recipients(db: sqlite3.Connection, mid: str, channel_key: str, unseal=lambda value, column: value) -> dict[str, dict]:
    """Every recipient by address (channel_key: "e" for email, "p" for phone in the people documents): its row
    if its delivery left the plan, else its plan entry (address from the person, handed_at 0). `unseal`
    opens sealed columns (TocsinServer.unseal: encryption at rest)."""
    rows = {s: {"seq": s, "address": unseal(a, "deliveries.address"), "state": st, "reason": r, "handed_at": h}
            for s, a, st, r, h in db.execute(
                "SELECT seq, address, state, reason, handed_at FROM deliveries WHERE message_id = ?", (mid,))}
    planned = plan(db, mid)
    if planned is not None:
        entries, stopped = planned
        people = {pid: json.loads(unseal(doc, "people.doc")).get(channel_key, "")
                  for pid, doc in db.execute("SELECT id, doc FROM people")}
        for seq, e in enumerate(entries):
            if seq in rows:
                continue
            state = STOPPED if stopped and e["state"] == QUEUED else e["state"]
            rows[seq] = {"seq": seq, "address": people.get(e["person_id"], ""), "state": state,
                         "reason": e["reason"], "handed_at": 0}
    return {r["address"]: r for r in rows.values()}
