"""The hot path's contact-id cache is per process; a deletion or LGPD erasure done in another
process (a worker) must reach it, or a person who writes again after an erasure would land
in the anonymised conversation."""

from __future__ import annotations

import time

from ylada_app.core.queue import redis_connection
from ylada_app.services import inbox


def test_another_processs_forget_clears_this_processs_cache(redis_mode):
    redis_url = redis_mode
    inbox.known_conversation(1, "warm-up")  # reads the counter as it is now
    time.sleep(inbox.FORGET_CHECK_S + 0.1)
    inbox.remember_conversation(987, "5511900000001", 11, 22)
    assert inbox.known_conversation(987, "5511900000001") == 22
    # the erasure job, in a worker: its own cache is not ours; only Redis is shared
    redis_connection(redis_url).incr(inbox.FORGET_KEY)
    time.sleep(inbox.FORGET_CHECK_S + 0.1)
    assert inbox.known_conversation(987, "5511900000001") is None
    # and forgetting here tells the others the same way
    before = int(redis_connection(redis_url).get(inbox.FORGET_KEY))
    inbox.forget_contact(987, "5511900000002")
    assert int(redis_connection(redis_url).get(inbox.FORGET_KEY)) == before + 1


def _cached_contact(db):
    from tests.factories import make_instance, make_owner

    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    contact, conv = inbox.contact_and_conversation(db, instance=inst, wa_id="5511987650001",
                                                   name="Ana")
    db.commit()
    inbox.remember_contact(inst.id, contact.wa_id, None, contact.id, conv.id, None)
    return owner.tenant_id, inst.id, contact, conv


def test_a_deleted_contact_is_forgotten_once_the_deletion_commits(db):
    # It was forgotten right after the flush: a message arriving before the commit found the
    # row still there and cached it again, and after the commit the number kept pointing at
    # a deleted contact (its next messages went to a conversation that no longer exists).
    from ylada_app.services import contacts

    tenant_id, instance_id, contact, conv = _cached_contact(db)
    contacts.delete_contact(db, tenant_id=tenant_id, contact_id=contact.id)
    # the concurrent webhook, between the delete and its commit: the row still exists
    inbox.remember_contact(instance_id, contact.wa_id, None, contact.id, conv.id, None)
    assert inbox.known_conversation(instance_id, contact.wa_id) == conv.id
    db.commit()
    assert inbox.known_conversation(instance_id, contact.wa_id) is None


def test_a_deletion_rolled_back_leaves_the_cache_as_it_was(db):
    from ylada_app.models import Contact
    from ylada_app.services import contacts

    tenant_id, instance_id, contact, conv = _cached_contact(db)
    contact_id, wa_id = contact.id, contact.wa_id
    contacts.delete_contact(db, tenant_id=tenant_id, contact_id=contact_id)
    db.rollback()
    # the contact is still there, and so is its (still right) cache entry
    assert db.get(Contact, contact_id) is not None
    assert inbox.known_conversation(instance_id, wa_id) == conv.id
    db.commit()  # a later commit of the same session forgets nothing either
    assert inbox.known_conversation(instance_id, wa_id) == conv.id


def test_a_changed_number_is_forgotten_once_the_whole_webhook_commits(db):
    # The notice is applied inside a savepoint (contacts.apply_identity_notice): the forget
    # ran when the savepoint was released, before the webhook's transaction committed; a
    # message read in between cached the old number → this contact again, and after the
    # commit the old number kept pointing at a contact that no longer has it.
    from ylada_app.models import Contact, Instance
    from ylada_app.services import contacts

    tenant_id, instance_id, contact, conv = _cached_contact(db)
    old_short = "551187650001"  # the form without the ninth digit, as WhatsApp may write it
    inbox.remember_contact(instance_id, old_short, None, contact.id, conv.id, None)
    contacts.apply_identity_notice(
        db, instance=db.get(Instance, instance_id), wa_id=contact.wa_id, user_id=None,
        system={"type": "user_changed_number", "new_wa_id": "5511987650002"},
        wamid="wamid.change")
    # the concurrent webhook, between the change and its commit: the old row still stands
    inbox.remember_contact(instance_id, "5511987650001", None, contact.id, conv.id, None)
    db.commit()
    assert db.get(Contact, contact.id).wa_id == "5511987650002"
    assert inbox.known_conversation(instance_id, "5511987650001") is None
    assert inbox.known_conversation(instance_id, old_short) is None


def test_a_deleted_contact_is_forgotten_under_every_form_of_its_number(db):
    # Only the stored form was forgotten: a message written without the ninth digit had
    # cached that form, which kept pointing at the deleted contact (the erasure forgot both).
    from ylada_app.services import contacts

    tenant_id, instance_id, contact, conv = _cached_contact(db)
    inbox.remember_contact(instance_id, "551187650001", None, contact.id, conv.id, None)
    contacts.delete_contact(db, tenant_id=tenant_id, contact_id=contact.id)
    db.commit()
    assert inbox.known_conversation(instance_id, "5511987650001") is None
    assert inbox.known_conversation(instance_id, "551187650001") is None


def _simulated(db):
    from tests.factories import make_owner
    from ylada_app.services import instances, simulator

    owner = make_owner(db)
    inst = instances.create_instance(db, tenant_id=owner.tenant_id, name="Loja", channel=None)
    db.commit()
    conv_id = simulator.send(db, tenant_id=owner.tenant_id, instance_id=inst.id, user_id=1,
                             user_name="Ana", text="oi")
    db.commit()
    conv = simulator.conversation_of(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                     user_id=1)
    wa_id = simulator.simulated_wa_id(1, inst.id)
    inbox.remember_contact(inst.id, wa_id, None, conv.contact_id, conv_id, None)
    return owner.tenant_id, inst.id, wa_id, conv


def test_a_reset_simulator_chat_is_forgotten_once_the_reset_commits(db):
    # It was forgotten before the deletes: the simulator's next message, read before the
    # commit, cached the deleted contact again and later ones went to a vanished chat.
    from ylada_app.services import simulator

    tenant_id, instance_id, wa_id, conv = _simulated(db)
    simulator.reset(db, tenant_id=tenant_id, instance_id=instance_id, user_id=1)
    inbox.remember_contact(instance_id, wa_id, None, conv.contact_id, conv.id, None)
    db.commit()
    assert inbox.known_conversation(instance_id, wa_id) is None


def test_a_reset_rolled_back_leaves_the_simulator_chat_cached(db):
    from ylada_app.services import simulator

    tenant_id, instance_id, wa_id, conv = _simulated(db)
    simulator.reset(db, tenant_id=tenant_id, instance_id=instance_id, user_id=1)
    db.rollback()
    assert simulator.conversation_of(db, tenant_id=tenant_id, instance_id=instance_id,
                                     user_id=1) is not None
    assert inbox.known_conversation(instance_id, wa_id) == conv.id
