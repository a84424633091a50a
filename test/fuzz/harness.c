/*
 * harness.c
 *		libFuzzer entry point for every parser of outside input in
 *		ccr_metrics, built from the extension's own sources (build.sh).
 *
 * The summary types are not listed here: build.sh asks a server with the
 * extension installed for every base type it defines (the C symbols of its
 * input, output, receive and send functions, the combine and inverse
 * functions of its aggregates, and its one-argument accessors) and writes
 * them to a targets file.  A new summary type, fixed-slot or variable-size,
 * is fuzzed without touching this file.
 *
 * CCR_FUZZ_TARGET selects what one run fuzzes:
 *   <type>.in    the text input (what distributed engines ship)
 *   <type>.recv  the binary receive function (COPY BINARY, Citus 14)
 *   <type>.raw   arbitrary stored bytes handed to out, send, combine and
 *                the accessors (a value forged by a user-defined aggregate
 *                or a corrupted page must raise an error, not crash)
 *   queue_log    the Asterisk queue_log line parser (when src/queue_log.h
 *                exists)
 * Accepted values must round-trip exactly: in(out(v)) = v, recv(send(v)) =
 * v, send(recv(b)) = b (for fcr_summary, whose input puts the contacts in
 * canonical order: b up to that order), out(in(out(v))) = out(v), subtract(combine(v, v),
 * v) = v; stored bytes that out accepts read back as the same value.  Any violation, any elog (SQLSTATE XX000: a can't-happen reached
 * from input) and any sanitizer report aborts, which libFuzzer records as a
 * crash.
 */
#include "postgres.h"

#include <dlfcn.h>
#include <stdio.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/elog.h"

#include "shim.h"

#if __has_include("queue_log.h")
#include "queue_log.h"
#define HAVE_QUEUE_LOG 1
#endif

#define MAX_ACCESSORS 64

typedef struct Target
{
	char		name[NAMEDATALEN];
	PGFunction	in,
				out,
				recv,
				send,
				combine,
				subtract;
	int			naccessors;
	PGFunction	accessor[MAX_ACCESSORS];
	char	   *accessor_name[MAX_ACCESSORS];
} Target;

typedef enum Mode
{
	MODE_IN,
	MODE_RECV,
	MODE_RAW,
	MODE_QUEUE_LOG
} Mode;

static Target target;
static Mode mode;

static void
fail(const char *what)
{
	fprintf(stderr, "ccr_fuzz: %s: %s (last error %s: %s)\n", target.name, what,
			unpack_sql_state(ccr_shim_sqlerrcode), ccr_shim_message);
	abort();
}

/* ---------- calling V1 functions with errors caught ---------- */

static Datum
invoke(PGFunction fn, int nargs, Datum a0, Datum a1, Datum a2, bool *isnull)
{
	LOCAL_FCINFO(fcinfo, 3);
	FmgrInfo	flinfo;
	Datum		result;

	memset(&flinfo, 0, sizeof(flinfo));
	flinfo.fn_addr = fn;
	flinfo.fn_nargs = nargs;
	flinfo.fn_strict = true;
	flinfo.fn_mcxt = CurrentMemoryContext;
	InitFunctionCallInfoData(*fcinfo, &flinfo, nargs, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = a0;
	fcinfo->args[0].isnull = false;
	fcinfo->args[1].value = a1;
	fcinfo->args[1].isnull = false;
	fcinfo->args[2].value = a2;
	fcinfo->args[2].isnull = false;
	result = fn(fcinfo);
	*isnull = fcinfo->isnull;
	return result;
}

/*
 * Calls fn; false if it raised an error.  A user-facing error is fine, an
 * internal one (elog, XX000) is a bug: input reached a can't-happen.
 */
static bool
try_call(PGFunction fn, int nargs, Datum a0, Datum a1, Datum a2, Datum *result, bool *isnull)
{
	sigjmp_buf	jb;
	sigjmp_buf *volatile save = ccr_shim_jump;
	volatile bool ok = false;
	bool		dummy;

	if (sigsetjmp(jb, 0) == 0)
	{
		ccr_shim_jump = &jb;
		*result = invoke(fn, nargs, a0, a1, a2, isnull ? isnull : &dummy);
		ok = true;
	}
	ccr_shim_jump = save;
	if (!ok && ccr_shim_sqlerrcode == ERRCODE_INTERNAL_ERROR)
		fail("internal error (elog) reached from input");
	return ok;
}

/* Calls fn on a value that is known to be valid: an error is a bug. */
static Datum
must_call(PGFunction fn, int nargs, Datum a0, Datum a1, const char *what)
{
	Datum		result;
	bool		isnull = false;

	if (!try_call(fn, nargs, a0, a1, (Datum) -1, &result, &isnull))
		fail(what);
	if (isnull)
		fail(what);
	return result;
}

static bool
same_value(Datum a, Datum b)
{
	struct varlena *x = (struct varlena *) DatumGetPointer(a);
	struct varlena *y = (struct varlena *) DatumGetPointer(b);

	return VARSIZE(x) == VARSIZE(y) && memcmp(x, y, VARSIZE(x)) == 0;
}

static Datum
recv_bytes(const char *data, int len, bool *consumed)
{
	StringInfoData buf;
	Datum		v;

	/* as the server hands it over: a private copy with a trailing NUL */
	buf.data = palloc(len + 1);
	memcpy(buf.data, data, len);
	buf.data[len] = '\0';
	buf.len = len;
	buf.maxlen = len + 1;
	buf.cursor = 0;
	if (!try_call(target.recv, 3, PointerGetDatum(&buf), ObjectIdGetDatum(InvalidOid),
				  Int32GetDatum(-1), &v, NULL))
		return (Datum) 0;
	/* the server rejects a value that leaves bytes unread */
	*consumed = (buf.cursor == buf.len);
	return v;
}

/* Every check a valid value v must pass. */
static void
check_valid(Datum v)
{
	char	   *text1 = DatumGetCString(must_call(target.out, 1, v, 0, "out of an accepted value failed"));
	char	   *text2;
	Datum		v2;
	bytea	   *bin;
	bool		consumed = false;
	Datum		c;

	v2 = must_call(target.in, 3, CStringGetDatum(text1), ObjectIdGetDatum(InvalidOid),
				   "in(out(v)) failed");
	if (!same_value(v, v2))
		fail("in(out(v)) differs from v");
	text2 = DatumGetCString(must_call(target.out, 1, v2, 0, "out(in(out(v))) failed"));
	if (strcmp(text1, text2) != 0)
		fail("out(in(out(v))) differs from out(v)");

	bin = DatumGetByteaPP(must_call(target.send, 1, v, 0, "send of an accepted value failed"));
	v2 = recv_bytes(VARDATA_ANY(bin), VARSIZE_ANY_EXHDR(bin), &consumed);
	if (v2 == (Datum) 0 || !consumed)
		fail("recv(send(v)) failed");
	if (!same_value(v, v2))
		fail("recv(send(v)) differs from v");

	if (target.combine)
	{
		bool		isnull = false;

		/* may overflow (an error), never crash; a result must be valid */
		if (try_call(target.combine, 2, v, v, 0, &c, &isnull) && !isnull)
		{
			must_call(target.out, 1, c, 0, "out(combine(v, v)) failed");
			if (target.subtract)
			{
				Datum		d = must_call(target.subtract, 2, c, v, "subtract(combine(v, v), v) failed");

				if (!same_value(d, v))
					fail("subtract(combine(v, v), v) differs from v");
			}
		}
	}
}

/* Accessors and combine on any value: errors allowed, crashes not. */
static void
poke(Datum v)
{
	Datum		r;

	for (int i = 0; i < target.naccessors; i++)
		try_call(target.accessor[i], 1, v, 0, 0, &r, NULL);
	if (target.combine)
		try_call(target.combine, 2, v, v, 0, &r, NULL);
	if (target.subtract)
		try_call(target.subtract, 2, v, v, 0, &r, NULL);
	try_call(target.send, 1, v, 0, 0, &r, NULL);
}

static void
fuzz_in(const uint8_t *data, size_t size)
{
	char	   *str = pnstrdup((const char *) data, size);
	Datum		v;

	if (!try_call(target.in, 3, CStringGetDatum(str), ObjectIdGetDatum(InvalidOid),
				  Int32GetDatum(-1), &v, NULL))
		return;
	check_valid(v);
	poke(v);
}

static void
fuzz_recv(const uint8_t *data, size_t size)
{
	bool		consumed = false;
	Datum		v = recv_bytes((const char *) data, (int) size, &consumed);
	bytea	   *bin;

	if (v == (Datum) 0 || !consumed)
		return;
	if (getenv("CCR_FUZZ_SHOW"))	/* for turning a finding into SQL */
		fprintf(stderr, "ccr_fuzz: accepted %s\n",
				DatumGetCString(must_call(target.out, 1, v, 0, "out failed")));
	check_valid(v);
	bin = DatumGetByteaPP(must_call(target.send, 1, v, 0, "send failed"));
	if (strcmp(target.name, "fcr_summary") == 0)
	{
		/*
		 * An fcr_summary is a multiset of contacts: recv accepts them in any
		 * order and keeps them in their canonical order, so send(recv(b)) is
		 * b with the contacts sorted, the same size, and a fixed point
		 * (check_valid: recv(send(v)) = v).
		 */
		if (VARSIZE_ANY_EXHDR(bin) != size || memcmp(VARDATA_ANY(bin), data, 20) != 0)
			fail("send(recv(b)) differs from b in its header or size");
	}
	/* every other binary form is canonical: what was accepted is sent back as is */
	else if (VARSIZE_ANY_EXHDR(bin) != size || memcmp(VARDATA_ANY(bin), data, size) != 0)
		fail("send(recv(b)) differs from b");
	poke(v);
}

static void
fuzz_raw(const uint8_t *data, size_t size)
{
	struct varlena *v = palloc(size + VARHDRSZ);
	Datum		text;
	Datum		v2;

	SET_VARSIZE(v, size + VARHDRSZ);
	memcpy(VARDATA(v), data, size);
	poke(PointerGetDatum(v));
	if (try_call(target.out, 1, PointerGetDatum(v), 0, 0, &text, NULL))
	{
		/*
		 * Whatever out accepts is a valid value that reads back as the same
		 * value.  Compared as text: a type may have several stored forms
		 * of one value (duration_summary: dense and sparse buckets).
		 */
		v2 = must_call(target.in, 3, text, ObjectIdGetDatum(InvalidOid), "in(out(raw)) failed");
		if (strcmp(DatumGetCString(text),
				   DatumGetCString(must_call(target.out, 1, v2, 0, "out(in(out(raw))) failed"))) != 0)
			fail("out(in(out(raw))) differs from out(raw)");
		check_valid(v2);
	}
}

#ifdef HAVE_QUEUE_LOG
#include "queue_log_target.c"
#endif

/* ---------- setup ---------- */

static PGFunction
lookup(const char *sym)
{
	PGFunction	fn;

	if (strcmp(sym, "-") == 0)
		return NULL;
	fn = (PGFunction) dlsym(RTLD_DEFAULT, sym);
	if (fn == NULL)
	{
		fprintf(stderr, "ccr_fuzz: symbol %s not found in the harness\n", sym);
		exit(2);
	}
	return fn;
}

/*
 * Targets file, one line per type, tab-separated:
 * type in out recv send combine subtract accessors(comma-separated)
 * ("-" where a function does not exist).
 */
static void
load_target(const char *file, const char *type)
{
	FILE	   *f = fopen(file, "r");
	char		line[8192];

	if (f == NULL)
	{
		fprintf(stderr, "ccr_fuzz: cannot read %s\n", file);
		exit(2);
	}
	while (fgets(line, sizeof(line), f))
	{
		char	   *field[8];
		int			n = 0;
		char	   *save = NULL;

		line[strcspn(line, "\n")] = '\0';
		for (char *tok = strtok_r(line, "\t", &save); tok && n < 8; tok = strtok_r(NULL, "\t", &save))
			field[n++] = tok;
		if (n < 8 || strcmp(field[0], type) != 0)
			continue;
		strlcpy(target.name, field[0], sizeof(target.name));
		target.in = lookup(field[1]);
		target.out = lookup(field[2]);
		target.recv = lookup(field[3]);
		target.send = lookup(field[4]);
		target.combine = lookup(field[5]);
		target.subtract = lookup(field[6]);
		if (strcmp(field[7], "-") != 0)
			for (char *tok = strtok_r(field[7], ",", &save); tok && target.naccessors < MAX_ACCESSORS;
				 tok = strtok_r(NULL, ",", &save))
			{
				target.accessor_name[target.naccessors] = strdup(tok);
				target.accessor[target.naccessors++] = lookup(tok);
			}
		fclose(f);
		return;
	}
	fprintf(stderr, "ccr_fuzz: type %s is not in %s\n", type, file);
	exit(2);
}

/*
 * CCR_FUZZ_TO_RAW=1: instead of fuzzing, convert each file named on the
 * command line from text form to the stored bytes (for raw seeds).
 */
static void
convert_to_raw(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
	{
		char		in[65536];
		FILE	   *f = fopen(argv[i], "r");
		size_t		n;
		Datum		v;
		char		out[MAXPGPATH];

		if (f == NULL || argv[i][0] == '-')
			continue;
		n = fread(in, 1, sizeof(in) - 1, f);
		fclose(f);
		in[n] = '\0';
		if (!try_call(target.in, 3, CStringGetDatum(in), ObjectIdGetDatum(InvalidOid),
					  Int32GetDatum(-1), &v, NULL))
		{
			fprintf(stderr, "ccr_fuzz: %s: %s\n", argv[i], ccr_shim_message);
			exit(1);
		}
		snprintf(out, sizeof(out), "%s.raw", argv[i]);
		f = fopen(out, "w");
		fwrite(VARDATA(DatumGetPointer(v)), 1, VARSIZE(DatumGetPointer(v)) - VARHDRSZ, f);
		fclose(f);
		ccr_shim_reset();
	}
	exit(0);
}

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *name = getenv("CCR_FUZZ_TARGET");
	const char *file = getenv("CCR_FUZZ_TARGETS");
	char		type[NAMEDATALEN];
	const char *dot;

	if (name == NULL)
	{
		fprintf(stderr, "ccr_fuzz: set CCR_FUZZ_TARGET (<type>.in|.recv|.raw or queue_log)\n");
		exit(2);
	}
	if (strcmp(name, "queue_log") == 0)
	{
#ifdef HAVE_QUEUE_LOG
		mode = MODE_QUEUE_LOG;
		strlcpy(target.name, name, sizeof(target.name));
		return 0;
#else
		fprintf(stderr, "ccr_fuzz: built without src/queue_log.h\n");
		exit(2);
#endif
	}
	dot = strrchr(name, '.');
	if (dot == NULL || file == NULL || dot - name >= NAMEDATALEN)
	{
		fprintf(stderr, "ccr_fuzz: bad CCR_FUZZ_TARGET %s or no CCR_FUZZ_TARGETS file\n", name);
		exit(2);
	}
	memcpy(type, name, dot - name);
	type[dot - name] = '\0';
	if (strcmp(dot, ".in") == 0)
		mode = MODE_IN;
	else if (strcmp(dot, ".recv") == 0)
		mode = MODE_RECV;
	else if (strcmp(dot, ".raw") == 0)
		mode = MODE_RAW;
	else
	{
		fprintf(stderr, "ccr_fuzz: unknown mode %s\n", dot);
		exit(2);
	}
	load_target(file, type);
	if (getenv("CCR_FUZZ_TO_RAW"))
		convert_to_raw(*argc, *argv);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	switch (mode)
	{
		case MODE_IN:
			fuzz_in(data, size);
			break;
		case MODE_RECV:
			fuzz_recv(data, size);
			break;
		case MODE_RAW:
			fuzz_raw(data, size);
			break;
		case MODE_QUEUE_LOG:
#ifdef HAVE_QUEUE_LOG
			fuzz_queue_log(data, size);
#endif
			break;
	}
	ccr_shim_reset();
	return 0;
}
