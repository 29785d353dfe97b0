import threading

import pytest
from django.db import connection, transaction

from common.transactions import consistent_read
from teams.models import Office
from tests.factories import CommunityFactory

# A writer held up by the reader would wait for the database's busy timeout (20 s); it must
# finish long before that. This bounds a hang, it does not time anything.
WRITER_PATIENCE_SECONDS = 10


def _add_office_in_another_connection(done: threading.Event, failure: list) -> None:
    try:
        with transaction.atomic():
            Office.objects.create(name="后来的社区", kind=Office.Kind.COMMUNITY)
        done.set()
    except Exception as error:  # reported to the test thread
        failure.append(error)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_consistent_read_sees_one_snapshot_and_lets_writers_through():
    CommunityFactory()
    before = Office.objects.count()
    done, failure = threading.Event(), []

    with consistent_read():
        assert Office.objects.count() == before  # the snapshot starts with the first read
        writer = threading.Thread(target=_add_office_in_another_connection, args=(done, failure))
        writer.start()
        writer.join(WRITER_PATIENCE_SECONDS)
        assert done.is_set(), failure or "the writer waited for the reader"
        assert Office.objects.count() == before  # the committed write is not seen inside

    assert Office.objects.count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_the_connection_keeps_its_own_transaction_mode_afterwards():
    mode = getattr(connection, "transaction_mode", None)
    with consistent_read():
        Office.objects.exists()
    assert getattr(connection, "transaction_mode", None) == mode


@pytest.mark.django_db
def test_inside_an_outer_transaction_it_is_a_savepoint_of_it():
    with transaction.atomic():
        office = CommunityFactory()
        with consistent_read():
            assert Office.objects.filter(pk=office.pk).exists()
