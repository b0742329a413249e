# The broker's security, shared by deploy/kafka.sh (the local broker) and deploy/kafka/container.sh
# (the compose and Kubernetes one); sourced, not run. Secrets as deploy/secrets.sh lays them out.

# Every SCRAM user; the same list as shared.contracts.acls.PRINCIPALS.
KAFKA_PRINCIPALS="admin sales review production logistics finance submitter bank operations"

# security_properties SECRETS LISTENER...: TLS with the broker's keystore and the project's CA,
# SCRAM-SHA-512 on each named listener (the broker logs in to itself as admin) and the
# authorizer that denies what no ACL allows. The KRaft controller listener stays plaintext on
# loopback: the broker half of the node reaches its controller half there as ANONYMOUS.
security_properties() {
  local secrets="$1" listener admin keystore
  shift
  admin="$(tr -d '\n' <"$secrets/kafka-admin")"
  keystore="$(tr -d '\n' <"$secrets/kafka-broker.p12.password")"
  echo "sasl.enabled.mechanisms=SCRAM-SHA-512"
  echo "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512"
  for listener in "$@"; do
    echo "listener.name.$listener.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$admin\";"
  done
  cat <<PROPS
ssl.keystore.type=PKCS12
ssl.keystore.location=$secrets/kafka-broker.p12
ssl.keystore.password=$keystore
ssl.key.password=$keystore
ssl.truststore.type=PEM
ssl.truststore.location=$secrets/kafka-ca.pem
ssl.endpoint.identification.algorithm=https
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:ANONYMOUS
PROPS
}

# scram_users SECRETS: the `kafka-storage format` arguments that write every SCRAM user
scram_users() {
  local principal
  for principal in $KAFKA_PRINCIPALS; do
    printf '%s\n' --add-scram "SCRAM-SHA-512=[name=$principal,password=$(tr -d '\n' <"$1/kafka-$principal")]"
  done
}
