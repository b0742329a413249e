"""The topic catalogue says what the code does: the services following each topic are those
with a route for it, and every topic has a publisher."""

from shared.contracts import topics
from shared.contracts.catalogue import CONSUMERS, PRODUCERS, SERVICES, own_topics, read_from_bus
from tests.support.flow import consumed_topics, followed_topics, followers_by_topic


def test_the_catalogue_names_exactly_the_services_with_a_route_for_each_topic() -> None:
    routed = followers_by_topic()

    assert set(CONSUMERS) == set(topics.ALL_TOPICS)
    assert {topic: set(who) for topic, who in CONSUMERS.items()} == {
        topic: set(routed.get(topic, [])) for topic in topics.ALL_TOPICS
    }


def test_every_topic_has_a_publisher_and_dead_letters_come_from_every_service() -> None:
    assert set(PRODUCERS) == set(topics.ALL_TOPICS)
    assert all(PRODUCERS.values())
    assert PRODUCERS[topics.DEAD_LETTER] == set(SERVICES)


def test_a_topic_several_services_publish_is_nobodys_own() -> None:
    shared = topics.CHANGE_ACKNOWLEDGED

    assert len(PRODUCERS[shared]) > 1
    assert all(shared not in own_topics(service) for service in SERVICES)
    assert topics.DEAD_LETTER not in own_topics("sales")


def test_sales_reads_back_none_of_the_topics_only_it_publishes() -> None:
    consumed = set(consumed_topics("sales"))

    assert not consumed & own_topics("sales")
    assert {topics.ORDER_SUBMITTED, topics.CHANGE_ACKNOWLEDGED} <= consumed
    assert topics.ORDER_PLACED in followed_topics("sales")


def test_what_the_catalogue_says_each_service_reads_from_the_bus_is_what_it_subscribes_to() -> None:
    for service in SERVICES:
        assert sorted(read_from_bus(service)) == sorted(consumed_topics(service)), service
