/*
 * queue_log_target.c
 *		Fuzz target of the Asterisk queue_log line parser (src/queue_log.c),
 *		included by harness.c when src/queue_log.h exists.
 *
 * The line is handed over in a buffer of exactly its length (no NUL), so
 * AddressSanitizer catches a read one byte past it.  An accepted line must
 * describe itself consistently: every field lies inside the line and holds
 * no separator, the time is within the documented range, the event code
 * matches the event name, integers of data fields are in 0..2^53.
 */

static void
ql_check_field(const char *line, size_t size, CcrQlField f, const char *what)
{
	if (f.len < 0 || f.p < line || f.p + f.len > line + size)
		fail(what);
	if (f.len > 0 && memchr(f.p, '|', f.len) != NULL)
		fail(what);
}

static void
fuzz_queue_log(const uint8_t *data, size_t size)
{
	char	   *line = palloc(size ? size : 1);
	CcrQlLine	l;
	int			st;

	memcpy(line, data, size);
	memset(&l, 0x7f, sizeof(l));	/* nothing may rely on it being zeroed */
	st = ccr_parse_queue_log_line(line, (int) size, &l);
	if (ccr_queue_log_status_message(st) == NULL)
		fail("status without a message");
	if (st != CCR_QL_OK)
		return;

	ql_check_field(line, size, l.callid, "callid outside the line");
	ql_check_field(line, size, l.queue, "queue outside the line");
	ql_check_field(line, size, l.agent, "agent outside the line");
	ql_check_field(line, size, l.event, "event outside the line");
	if (l.event.len == 0)
		fail("accepted an empty event");
	if (l.time_us < 0 || l.time_us > INT64_C(253402300799999999))
		fail("time out of range");
	if (l.ndata < 0)
		fail("negative data count");
	if (ccr_queue_log_event(l.event.p, l.event.len) != l.ev)
		fail("event code differs from event name");
	if (l.ev != CCR_QL_EV_UNKNOWN &&
		(strlen(ccr_queue_log_event_name(l.ev)) != (size_t) l.event.len ||
		 memcmp(ccr_queue_log_event_name(l.ev), l.event.p, l.event.len) != 0))
		fail("event name differs from the line");
	for (int i = 0; i < l.ndata && i < CCR_QL_MAX_DATA; i++)
	{
		int64_t		v;

		ql_check_field(line, size, l.data[i], "data field outside the line");
		if (ccr_queue_log_int(l.data[i], &v) && (v < 0 || v > (INT64_C(1) << 53)))
			fail("data integer out of range");
	}
	(void) ccr_queue_log_line_hash(&l);
}
