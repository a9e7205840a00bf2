"""The transparency log under attack.  Someone with the database file drops the
append-only triggers and edits, deletes, reorders, truncates, rewrites and forges rows;
``audit verify`` names the first bad entry, and what only a rewrite of everything could
hide is caught by a signed checkpoint kept outside.  Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from store_specs import draft, edited, seen

from rfc9162 import read_checkpoint
from rfc9162 import verify_consistency as reference_consistency
from rfc9162 import verify_inclusion as reference_inclusion
from techspec.proofs import ProofError, merkle
from techspec.proofs.keys import KeyRing, SigningKey
from techspec.service import transparency as service
from techspec.service.permissions import CONSOLE
from techspec.store import audit, backup, migrations, revisions, transparency, workflow
from techspec.store.clock import as_utc
from techspec.store.engine import Store, open_store
from techspec.store.log_verify import LogReport
from techspec.store.schema import GENESIS, audit_events
from techspec.store.users import add_user, create_token

TABLES = ("audit_events", "revisions", "log_leaves")


@pytest.fixture
def ring() -> KeyRing:
    return KeyRing([], SigningKey.generate())


def _history(store: Store) -> None:
    """Ada writes a spec and revises it, Tom approves it as Technical Lead, five tokens.
    Tom joins after the submit, so no review request is made (the counts below are
    of exactly these events)."""
    ada = add_user(store, "ada", ["author"])
    revisions.create_spec(store, "ledger", draft(), author=ada)
    revisions.save(store, "ledger", edited(draft(), "More."), base=1, author=ada)
    workflow.submit(store, "ledger", ada)
    tom = add_user(store, "tom", ["Technical Lead"])
    workflow.approve(store, "ledger", tom, "Technical Lead", seen=seen(store, "ledger"))
    _tokens(store)


def _tokens(store: Store, count: int = 5) -> None:
    for number in range(count):
        create_token(store, "ada", f"laptop {number}")


def _verify(store: Store, ring: KeyRing, against: str | None = None) -> LogReport:
    return service.verify(store, CONSOLE, ring=ring, against=against)


def _tamper(store: Store, *statements: str) -> None:
    """Run SQL as someone with the database would: append-only triggers off."""
    with store.write() as connection:
        for table in TABLES:
            if store.dialect == "sqlite":
                for verb in ("update", "delete"):
                    connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
            else:
                connection.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        for statement in statements:
            connection.execute(sa.text(statement))


def _rehash_everything(store: Store) -> None:
    """What a careful forger does after an edit: recompute every event's chain hash,
    every leaf hash and both head rows, with techspec's own code."""
    _tamper(store)
    with store.write() as connection:
        previous = GENESIS
        events = connection.execute(sa.select(audit_events).order_by(audit_events.c.seq)).all()
        for row in events:
            fields = (row.seq, as_utc(row.at), row.actor, row.action, row.spec_id, row.revision)
            digest = audit.event_hash(*fields, row.details, previous)
            connection.execute(
                sa.text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE seq = :s"),
                {"p": previous, "h": digest, "s": row.seq},
            )
            leaf = merkle.leaf_hash(transparency.event_leaf(*fields, row.details))
            connection.execute(
                sa.text("UPDATE log_leaves SET hash = :h WHERE kind = 'event' AND ref = :s"),
                {"h": leaf.hex(), "s": row.seq},
            )
            previous = digest
        for row in connection.execute(sa.text("SELECT * FROM revisions")).all():
            leaf = merkle.leaf_hash(
                transparency.revision_leaf(row.id, row.spec_id, row.number, row.sha256)
            )
            connection.execute(
                sa.text("UPDATE log_leaves SET hash = :h WHERE kind = 'revision' AND ref = :r"),
                {"h": leaf.hex(), "r": row.id},
            )
        hashes = connection.execute(sa.text("SELECT hash FROM log_leaves ORDER BY idx")).all()
        frontier: list[bytes] = []
        for size, (digest_hex,) in enumerate(hashes):
            merkle.append(frontier, size, bytes.fromhex(digest_hex))
        connection.execute(
            sa.text("UPDATE log_head SET size = :n, frontier = :f"),
            {"n": len(hashes), "f": "".join(node.hex() for node in frontier)},
        )
        connection.execute(
            sa.text("UPDATE audit_head SET seq = :s, hash = :h"),
            {"s": events[-1].seq, "h": previous},
        )


def _hide_checkpoints(store: Store) -> None:
    """Turn the recorded checkpoints into harmless-looking events, forget the latest
    one, and rehash."""
    _tamper(
        store,
        "UPDATE audit_events SET action = 'token.created', details = '{}' "
        "WHERE action = 'log.checkpoint'",
        "UPDATE log_head SET checkpoint = ''",
    )
    _rehash_everything(store)


# -- an intact log --------------------------------------------------------------------


def test_an_intact_log_verifies_every_leaf_and_approval(store: Store, ring: KeyRing) -> None:
    _history(store)
    report = _verify(store, ring)
    assert report.ok, report.problem
    # 2 users, 2 saves, a transition, an approval, 5 tokens = 11 events; 4 revisions
    # (two saves, the workflow's, the approval written back), all in one tree.
    assert (report.events, report.revisions, report.size, report.approvals) == (11, 4, 15, 1)
    assert report.root == transparency.tree_head(store).root


def test_a_checkpoint_is_signed_once_per_growth_and_recorded_in_the_log(
    store: Store, ring: KeyRing
) -> None:
    _history(store)
    note, new = service.publish(store, ring)
    assert new
    assert service.publish(store, ring) == (note, False), "nothing new: the same checkpoint"
    event = audit.events(store)[-1]
    assert event.action == "log.checkpoint"
    assert event.details["size"] == 15 and event.details["note"] == note
    _tokens(store, 1)
    later, new = service.publish(store, ring)
    assert new and later.split("\n")[1] == "17", "15, the checkpoint's event, the token"
    assert _verify(store, ring).checkpoints == 2


# -- interoperability -----------------------------------------------------------------


def test_a_checkpoint_and_an_inclusion_proof_check_out_with_the_rfc_formulas(
    store: Store, ring: KeyRing
) -> None:
    _history(store)
    proof = service.prove(store, CONSOLE, 6, ring).to_json()
    public = ring.current.public_bytes
    origin, size, root = read_checkpoint(proof["checkpoint"], service.origin(ring), public)
    assert (size, root) == (proof["tree_size"], base64.b64decode(proof["root_hash"]))
    leaf = base64.b64decode(proof["leaf"])
    assert leaf.startswith(b"techspec-event/1\n")
    assert json.loads(leaf.split(b"\n", 1)[1])[:4][3] == "approval.approve"
    path = [base64.b64decode(node) for node in proof["inclusion_proof"]]
    assert reference_inclusion(proof["leaf_index"], size, leaf, path, root)
    assert not reference_inclusion(proof["leaf_index"], size, leaf + b" ", path, root)
    assert origin == service.origin(ring)


def test_consistency_with_an_old_checkpoint_checks_out_with_the_rfc_formulas(
    store: Store, ring: KeyRing
) -> None:
    _history(store)
    old, _new = service.publish(store, ring)
    _tokens(store, 7)
    report = _verify(store, ring, against=old)
    assert report.ok, report.problem
    _origin, size, root = read_checkpoint(old, service.origin(ring), ring.current.public_bytes)
    assert reference_consistency(size, report.size, root, report.root, report.consistency)


# -- tampering ------------------------------------------------------------------------


def test_an_edited_event_is_named(store: Store, ring: KeyRing) -> None:
    _history(store)
    _tamper(store, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 6")
    report = _verify(store, ring)
    assert not report.ok
    assert report.problem == "event 6: its content does not match its hash: edited"


def test_a_deleted_event_is_named(store: Store, ring: KeyRing) -> None:
    _history(store)
    _tamper(store, "DELETE FROM audit_events WHERE seq = 4")
    report = _verify(store, ring)
    assert "(event 4): the event is missing: deleted" in report.problem


def test_reordered_events_are_named(store: Store, ring: KeyRing) -> None:
    _history(store)
    _tamper(
        store,
        "UPDATE audit_events SET seq = 100 WHERE seq = 7",
        "UPDATE audit_events SET seq = 7 WHERE seq = 8",
        "UPDATE audit_events SET seq = 8 WHERE seq = 100",
    )
    report = _verify(store, ring)
    assert report.problem == "event 7 does not follow the previous event: reordered or replaced"


def test_truncating_and_rewinding_the_heads_is_caught_by_a_kept_checkpoint(
    store: Store, ring: KeyRing
) -> None:
    _history(store)
    kept, _new = service.publish(store, ring)  # 15 leaves, plus its own event: 16
    events = audit.events(store)
    keep = events[-7]  # the last five tokens and the checkpoint event go
    _tamper(
        store,
        f"DELETE FROM log_leaves WHERE kind = 'event' AND ref > {keep.seq}",
        f"DELETE FROM audit_events WHERE seq > {keep.seq}",
        f"UPDATE audit_head SET seq = {keep.seq}, hash = '{keep.hash}'",
        "UPDATE log_head SET checkpoint = ''",
    )
    _rehash_everything(store)  # the tree head too, from the leaves left
    report = _verify(store, ring, against=kept)
    assert not report.ok
    assert report.problem == (
        "the checkpoint covers 15 leaves but the log holds 10: truncated (leaves 10 to 14 are gone)"
    )


def test_truncation_that_leaves_the_latest_checkpoint_in_the_head_is_caught(
    store: Store, ring: KeyRing
) -> None:
    _history(store)
    service.publish(store, ring)
    keep = audit.events(store)[-7]
    _tamper(
        store,
        f"DELETE FROM log_leaves WHERE kind = 'event' AND ref > {keep.seq}",
        f"DELETE FROM audit_events WHERE seq > {keep.seq}",
    )
    _rehash_everything(store)
    report = _verify(store, ring)
    assert report.problem == (
        "the latest checkpoint covers 15 leaves but the log holds 10: truncated"
    )


def test_rewinding_only_the_chain_head_is_caught_without_a_checkpoint(
    store: Store, ring: KeyRing
) -> None:
    _history(store)
    events = audit.events(store)
    _tamper(
        store,
        f"DELETE FROM audit_events WHERE seq > {events[-6].seq}",
        f"UPDATE audit_head SET seq = {events[-6].seq}, hash = '{events[-6].hash}'",
    )
    report = _verify(store, ring)
    assert report.problem.endswith(f"(event {events[-5].seq}): the event is missing: deleted")


def test_the_head_left_behind_after_truncation_is_caught(store: Store, ring: KeyRing) -> None:
    _history(store)
    service.publish(store, ring)
    last = audit.events(store)[-2]  # before the checkpoint's own event
    _tamper(
        store,
        f"DELETE FROM log_leaves WHERE kind = 'event' AND ref > {last.seq}",
        f"DELETE FROM audit_events WHERE seq > {last.seq}",
        f"UPDATE audit_head SET seq = {last.seq}, hash = '{last.hash}'",
    )
    report = _verify(store, ring)
    assert report.problem.startswith("the tree head records 16 leaves but the log rebuilds 15")


def test_an_edit_with_every_later_hash_recomputed_is_caught_by_the_checkpoints(
    store: Store, ring: KeyRing
) -> None:
    _history(store)
    outside, _new = service.publish(store, ring)  # kept in git or by a witness
    _tokens(store, 2)
    _tamper(store, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 3")
    _rehash_everything(store)
    # The recorded checkpoint, signed before the edit, no longer matches the tree.
    report = _verify(store, ring)
    assert "records a checkpoint of 15 leaves that the log before it no longer matches" in (
        report.problem
    )
    # And when the forger hides the recorded checkpoints too, the one kept outside
    # proves the rewrite on its own.
    _hide_checkpoints(store)
    report = _verify(store, ring, against=outside)
    assert "is not a consistent extension of the checkpoint at size 15" in report.problem
    assert "an entry before leaf 15 was rewritten" in report.problem


def test_an_edited_revision_text_is_named(store: Store, ring: KeyRing) -> None:
    _history(store)
    spec = revisions.get_spec(store, "ledger")
    _tamper(
        store,
        "UPDATE revisions SET text = replace(text, 'More.', 'Less.') "
        f"WHERE spec_id = {spec.id} AND number = 2",
    )
    report = _verify(store, ring)
    assert report.problem == (
        f"revision 2 of spec #{spec.id}: its text does not match its sha256: edited"
    )


def test_an_edited_text_with_its_sha256_rewritten_is_caught_by_the_checkpoint(
    store: Store, ring: KeyRing
) -> None:
    _history(store)
    kept, _new = service.publish(store, ring)
    text = revisions.get_revision(store, "ledger", 3).text.replace("More.", "Less.")
    digest = hashlib.sha256(text.encode()).hexdigest()
    _tamper(store)
    with store.write() as connection:
        connection.execute(
            sa.text("UPDATE revisions SET text = :t, sha256 = :h WHERE number = 3"),
            {"t": text, "h": digest},
        )
    report = _verify(store, ring)
    assert "does not match its leaf" in report.problem
    _rehash_everything(store)
    assert "records a checkpoint" in _verify(store, ring).problem
    _hide_checkpoints(store)
    assert "not a consistent extension" in _verify(store, ring, against=kept).problem


def test_a_forged_approval_row_is_named(store: Store, ring: KeyRing) -> None:
    _history(store)
    mallory = add_user(store, "mallory", ["Security Lead"])
    spec = revisions.get_spec(store, "ledger")
    current = revisions.get_revision(store, "ledger")
    with store.write() as connection:
        forged = connection.execute(
            sa.text(
                "INSERT INTO approvals (spec_id, revision_id, content_hash, role, reviewer_id,"
                " decision, comment, created_at) VALUES (:s, :r, :c, 'Security Lead', :u,"
                " 'approve', '', CURRENT_TIMESTAMP) RETURNING id"
            ),
            {"s": spec.id, "r": current.id, "c": spec.content_hash, "u": mallory.id},
        ).scalar_one()
    report = _verify(store, ring)
    assert report.problem == (
        f"approval {forged} (approve by mallory as Security Lead on spec #{spec.id}) "
        "has no audit event: inserted behind the log's back"
    )


def test_a_revision_inserted_behind_the_logs_back_is_named(store: Store, ring: KeyRing) -> None:
    _history(store)
    spec = revisions.get_spec(store, "ledger")
    with store.write() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO revisions (spec_id, number, text, sha256, content_hash, created_at,"
                " message, kind, errors, warnings, infos, open_tasks, high_risks)"
                " SELECT spec_id, 99, text, sha256, content_hash, created_at, message, kind,"
                " errors, warnings, infos, open_tasks, high_risks FROM revisions"
                f" WHERE spec_id = {spec.id} AND number = 3"
            )
        )
    report = _verify(store, ring)
    assert report.problem == (
        f"revision 99 of spec #{spec.id} is not in the log: inserted behind its back"
    )


def test_a_checkpoint_signed_by_another_key_is_refused(store: Store, ring: KeyRing) -> None:
    _history(store)
    other = KeyRing([], SigningKey.generate())
    forged, _new = service.publish(store, other)
    with pytest.raises(ProofError, match=r"not signed by .* with a known key"):
        _verify(store, ring, against=forged)
    # ...and the recorded one, signed by a key the verifier does not know, fails too.
    report = _verify(store, ring)
    assert report.problem.startswith("event 12: the checkpoint it records does not verify")


# -- the migration --------------------------------------------------------------------


def test_the_migration_puts_an_existing_history_into_the_tree(store: Store, ring: KeyRing) -> None:
    _history(store)
    with store.engine.begin() as connection:
        config = migrations.alembic_config(connection)
        command.downgrade(config, "store_0001")  # type: ignore[arg-type]
        assert not sa.inspect(connection).has_table("log_leaves")
        command.upgrade(config, migrations.HEAD)  # type: ignore[arg-type]
    report = _verify(store, ring)
    assert report.ok, report.problem
    assert (report.events, report.revisions, report.size) == (11, 4, 15)
    with store.read() as connection:
        kinds = connection.execute(sa.text("SELECT kind FROM log_leaves ORDER BY idx")).scalars()
        assert list(kinds) == ["revision"] * 4 + ["event"] * 11, "revisions by id, then events"
    _tokens(store, 1)  # and the log goes on from there
    assert _verify(store, ring).size == 16


# -- backup and restore ---------------------------------------------------------------


def test_a_restored_backup_stays_verifiable_against_checkpoints_before_it(
    store: Store, ring: KeyRing, tmp_path: Path
) -> None:
    _history(store)
    before, _new = service.publish(store, ring)
    target = backup.backup(store, tmp_path / "store.backup")
    _tokens(store, 3)
    after, _new = service.publish(store, ring)
    backup.restore(store, target, actor="ada")
    reopened = open_store(store.url)
    try:
        report = _verify(reopened, ring, against=before)
        assert report.ok, report.problem
        assert audit.events(reopened)[-1].action == "store.restored"
        # A checkpoint of what came after the backup shows what the restore took back.
        assert "truncated" in _verify(reopened, ring, against=after).problem
    finally:
        reopened.close()
