# Java adapter (adapters/java): FFM binding, Maven build on the newest JDK >= 22 (selected by
# adapters/java/scripts/find-jdk.sh; adapters/java/scripts/mvn.sh runs Maven offline-first).
# One `mvn package` builds target/zinc.jar (library + the stripped core as a resource),
# target/zinc-agent.jar (agent/), target/zinc-bench.jar (bench/) and target/zinc-sources.jar.
.PHONY: agent-java test-java bench-java lint-java dist-java test-dist-java
JAVA_DIR := $(ROOT)/adapters/java

agent-java: native
	$(JAVA_DIR)/scripts/mvn.sh package -DskipTests

# JUnit 5 through Surefire; then no Zinc object of this suite may be left in /dev/shm.
test-java: core agent-java
	ZINC_MVN_QUIET=0 $(JAVA_DIR)/scripts/mvn.sh test
	@left=$$(ls /dev/shm | grep -E '^zinc_(t_java_|bench_java_|dist_java_)' || true); \
	if [ -n "$$left" ]; then echo "test-java leaked in /dev/shm: $$left"; exit 1; fi

# signal() against a bare FFM downcall; prints ns/op (not a test).
bench-java: core agent-java
	"$$($(JAVA_DIR)/scripts/find-jdk.sh)/bin/java" --enable-native-access=ALL-UNNAMED \
		-jar $(JAVA_DIR)/target/zinc-bench.jar $(BENCH_ITERS)

# javac -Xlint:all -Werror (the pom's compiler arguments) over every source set: library,
# tests, agent, bench, examples. No core build needed, so the native-file check is skipped.
lint-java:
	$(JAVA_DIR)/scripts/mvn.sh -Denforcer.skip=true test-compile
	@echo "lint-java: javac -Xlint:all -Werror clean (src, tests, agent, bench, examples)"

# dist/java/zinc-<VERSION>.jar (+ -sources.jar), with libzinc_core.so.debug beside them.
dist-java: native
	$(JAVA_DIR)/scripts/mvn.sh package -DskipTests
	rm -rf $(ROOT)/dist/java && mkdir -p $(ROOT)/dist/java
	cp $(JAVA_DIR)/target/zinc.jar $(ROOT)/dist/java/zinc-$(VERSION).jar
	cp $(JAVA_DIR)/target/zinc-sources.jar $(ROOT)/dist/java/zinc-$(VERSION)-sources.jar
	cp $(ROOT)/target/native/libzinc_core.so.debug $(ROOT)/dist/java/

test-dist-java: dist-java
	$(ROOT)/tests/dist/java.sh

ADAPTER_TESTS += test-java
LINT_TARGETS += lint-java
DIST_TARGETS += dist-java
DIST_TESTS += test-dist-java
