// Package meeting is a client for the Huawei Cloud Meeting history API: the
// attendee records of past conferences, the history conference list and
// conference invite lists.
//
// # Usage
//
//	c, err := meeting.NewClient(meeting.DefaultBaseURL,
//		meeting.WithAppAuth(appID, meeting.Secret(appKey), "", ""),
//		meeting.WithRateLimit(10),
//		meeting.WithUserAgent("attendees-bot/"+version),
//	)
//	...
//	confs, err := c.ConferencesByMeetingID(ctx, "960 123 4505") // newest instance first
//	records, err := c.Attendees(ctx, confs[0].ConfUUID)
//	detail, err := c.ConferenceDetail(ctx, confs[0].ConfUUID)   // who was invited
//
// One Client serves the whole process: it holds one token, one rate limiter,
// one set of request slots and one cache, and is safe for concurrent use.
//
// # Hosts
//
// DefaultBaseURL (https://api.meeting.huaweicloud.com) serves China mainland
// accounts; InternationalBaseURL (https://api-intl.meeting.huaweicloud.com)
// serves international ones. Any http(s) URL is accepted, for fakes and proxies.
//
// # Authentication
//
// Exactly one of WithAppAuth (App ID, HMAC-SHA256 signed, recommended),
// WithAccountAuth (account and password) and WithStaticToken. The token is
// fetched on first use; concurrent callers share one login. It is renewed
// before it expires (margin: 10 % of its validity, at most 5 minutes) with the
// refresh token when the server gave one, else by logging in again. A 401 or
// USG.000000004 drops the token, logs in again and retries the request once.
// Credentials are Secret values: they never print, and the client removes
// them from server messages it puts into errors.
//
// # Defaults
//
//	rate limit        10 requests/s, burst 10 (WithRateLimit, WithLimiter)
//	in flight         16 requests (WithMaxInFlight), shared by all callers;
//	                  each holds its slot for at most 2 s (DefaultSlotLease)
//	language          en-US (WithLanguage; zh-CN gives Chinese labels)
//	record cap        100000 per call (WithMaxRecords)
//	cache             200,000 records and 200,000 invitees for 10 minutes,
//	                  least recently used out first (WithCache)
//	history window    180 days for meeting-ID lookups (WithHistoryWindow)
//	HTTP              10 s per attempt, answer included (WithRequestTimeout);
//	                  User-Agent attendees-bot/dev
//	bounds            4 MiB per answer (MaxPageBytes), 1 KiB per record
//	                  field (MaxFieldBytes, longer ones are cut with …),
//	                  32 MiB of answers per list (MaxListBytes)
//	retries           4 attempts in all for 429, 5xx, timeouts and connection
//	                  errors; exponential backoff from 200 ms with jitter,
//	                  Retry-After honoured (capped at 30 s); never past ctx
//
// The limiter is waited on before every HTTP attempt (logins, refreshes and
// retries included), so a server enforcing the same rate sees no 429s.
//
// # Who goes first
//
// Requests get their slot and their limiter token in order: logins, attendee
// records and history lists first; then the first page of an invite list
// (ConferenceDetail), so a small meeting's invite list arrives with its
// records; the rest of an invite list only when no record request waits and
// no record list is still to queue pages. So a lookup's records take as long
// as they would alone, whatever the size of its invite list. Among requests
// of one kind, the meeting with the fewest requests in flight goes first,
// then the earliest. A request that still runs after its slot lease gives
// its slot back (it keeps counting for its meeting), and one that runs past
// the request timeout is abandoned and retried: meetings whose requests hang
// do not hold up the others.
//
// # Paging
//
// Lists are read with limit=500. The first page's count tells how many pages
// remain; they are fetched concurrently and placed by offset, so the result is
// in server order, as a sequential loop would give it. If the pages contradict
// each other (the count changes, a page is short or long) the whole list is
// read again once; a second contradiction is an error satisfying
// ErrInconsistent and ErrUnavailable. Records are never silently dropped or
// duplicated.
//
// # Errors
//
// Every error wraps enough to use errors.Is with the sentinels:
// ErrInvalidInput (bad confUUID or meeting ID; no request made; the text shows
// a valid example), ErrNotFound (404, MMC.111070005, MMC.111072065, or no
// instance of a meeting ID), ErrUnauthorized (rejected credentials, or 401
// after the one re-login), ErrForbidden (403), ErrRateLimited (429 after
// retries), ErrUnavailable (5xx, timeouts and connection errors after retries,
// unreadable answers), ErrTooManyRecords and ErrTooLarge (an answer over
// MaxPageBytes, a list over MaxListBytes; not retried). A server answer is available with
// errors.As as *Error, whose RequestID (X-Request-Id) belongs in the log line.
// Error text is lowercase and never contains a credential. To log the request
// IDs of everything a command caused, pass a context from WithRequestIDs.
//
// # Input shapes
//
// A confUUID is 32 hexadecimal characters (9a0fa6d10a5b11eaae5e191763c22c0e),
// or the same in 8-4-4-4-12 form; it is sent as given. A meeting ID is 6 to 20
// digits after removing spaces and dashes (960 123 4567).
package meeting
