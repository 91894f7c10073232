#!/bin/sh
# As the apache/kafka image's script of the same name: the compose file's health check calls it.
CLASSPATH="/opt/kafka/libs/*" exec java -Xmx64m kafka.admin.BrokerApiVersionsCommand "$@"
