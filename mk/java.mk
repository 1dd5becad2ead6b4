# Java adapter (adapters/java): FFM binding, Maven build on the newest JDK >= 22 (selected by
# adapters/java/scripts/find-jdk.sh; adapters/java/scripts/mvn.sh runs Maven offline-first).
.PHONY: agent-java test-java bench-java
JAVA_DIR := $(ROOT)/adapters/java

# Builds target/zinc-java.jar (library + dev.zinc.Agent); adapters/java/zinc-agent runs it.
agent-java:
	$(JAVA_DIR)/scripts/mvn.sh package -DskipTests

# JUnit 5 through Surefire; then no Zinc object of this suite may be left in /dev/shm.
test-java: core agent-java
	ZINC_MVN_QUIET=0 $(JAVA_DIR)/scripts/mvn.sh test
	@left=$$(ls /dev/shm | grep -E '^zinc_(t_java_|bench_java_)' || true); \
	if [ -n "$$left" ]; then echo "test-java leaked in /dev/shm: $$left"; exit 1; fi

# signal() against a bare FFM downcall; prints ns/op (not a test).
bench-java: core agent-java
	"$$($(JAVA_DIR)/scripts/find-jdk.sh)/bin/java" --enable-native-access=ALL-UNNAMED \
		-cp $(JAVA_DIR)/target/zinc-java.jar dev.zinc.Bench $(BENCH_ITERS)

ADAPTER_TESTS += test-java
