# ccr_metrics: PGXS build.
#
# The install script of each release is concatenated from its fragments in
# src/sql/<version>/ (one fragment per metric family, so parallel work does
# not collide).  Released fragments are frozen: a new release only adds an
# upgrade script, and CREATE EXTENSION reaches the newest version by running
# the oldest install script plus the upgrade chain, so a fresh install and an
# upgraded one are the same objects by construction.
#
# From 0.3.0 on, every upgrade script ends with src/sql/views/*.sql: the
# current definition of every view and view-reading function, written with
# CREATE OR REPLACE, so views are edited in place instead of as frozen diffs.
# A release is one edit: EXTVERSION and UPGRADES below (and the control
# file's default_version), plus its directory src/sql/<EXTVERSION>/.

EXTENSION   = ccr_metrics
EXTVERSION  = 0.3.0
MODULE_big  = ccr_metrics
OBJS        = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# released upgrade scripts (frozen) plus the one being written
UPGRADES    = 0.2.0--0.3.0
DATA_built  = ccr_metrics--0.1.0.sql ccr_metrics--0.1.0--0.2.0.sql \
			  $(patsubst %,ccr_metrics--%.sql,$(UPGRADES))

REGRESS     = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --load-extension=ccr_metrics

EXTRA_CLEAN = results regression.diffs regression.out

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# every object depends on the shared header (PGXS tracks no header dependencies)
$(OBJS): $(wildcard src/*.h)

ccr_metrics--0.1.0.sql: $(sort $(wildcard src/sql/0.1.0/*.sql))
	cat $^ > $@

ccr_metrics--0.1.0--0.2.0.sql: $(sort $(wildcard src/sql/0.2.0/*.sql))
	cat $^ > $@

# upgrades from 0.2.0 on: the release's fragments, then every view definition
.SECONDEXPANSION:
$(patsubst %,ccr_metrics--%.sql,$(UPGRADES)): ccr_metrics--%.sql: \
		$$(sort $$(wildcard src/sql/$$(lastword $$(subst --, ,$$*))/*.sql)) \
		$$(sort $$(wildcard src/sql/views/*.sql))
	cat $^ > $@

.PHONY: demo test
demo:
	./scripts/demo
test:
	./scripts/test
