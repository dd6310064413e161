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
// one page-request semaphore and one cache, and is safe for concurrent use.
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
//	pages in flight   4 (WithMaxInFlight), shared by all callers
//	language          en-US (WithLanguage; zh-CN gives Chinese labels)
//	record cap        100000 per call (WithMaxRecords)
//	cache             64 conferences for 10 minutes, records and invite
//	                  lists each (WithCache)
//	history window    180 days for meeting-ID lookups (WithHistoryWindow)
//	HTTP              30 s per attempt; User-Agent attendees-bot/dev
//	retries           4 attempts in all for 429, 5xx, timeouts and connection
//	                  errors; exponential backoff from 200 ms with jitter,
//	                  Retry-After honoured (capped at 30 s); never past ctx
//
// The limiter is waited on before every HTTP attempt (logins, refreshes and
// retries included), so a server enforcing the same rate sees no 429s.
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
// unreadable answers) and ErrTooManyRecords. A server answer is available with
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
