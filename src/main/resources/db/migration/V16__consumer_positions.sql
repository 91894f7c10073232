-- Where the processing group stands in each partition, written in the transaction that stores the records before
-- it: a stored event and the position past it commit together, so a redelivery or a rebalance resumes past what is
-- stored and never reaches the insert, and a consumer that lost its partition is refused (its expected position
-- is no longer the stored one). Kafka's committed offsets follow, for lag and tooling only.
CREATE TABLE consumer_positions (
    group_id        text        NOT NULL,
    topic           text        NOT NULL,
    kafka_partition int         NOT NULL,
    next_offset     bigint      NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, topic, kafka_partition)
);
