// Package meetingfake is an in-process fake of the Huawei Cloud Meeting API,
// for tests and for the product's built-in demo. It listens on 127.0.0.1 with
// net/http and serves the documented JSON of App ID, account and refresh-token
// logins, confAttendeeRecord, the history conference list and confDetail,
// with an X-Request-Id on every response and errors as
// {"error_code","error_msg"}; an unknown confUUID is 400 MMC.111070005.
//
// It checks what it receives, as the real server would or stricter: method,
// path, query parameters (required ones present, no unknown or deprecated
// ones, limit at most 500), headers (X-Access-Token valid and unexpired,
// Accept-Language zh-CN or en-US, no X-Authorization-Type or X-Site-Id), the
// HMAC-SHA256 signature recomputed from the app key, Basic auth, and body
// fields (clientType 72, nonce of 32 to 64 characters, expireTime). A failed
// check is recorded (Violations) and answered 400 with an error body, with two
// exceptions that mimic the real server: a limit above 500 is served clamped,
// and a wrong signature is answered 401.
//
// Knobs: latency per request, a token-bucket rate limit (RatePerSecond, Burst;
// 429 with Retry-After when exceeded), a concurrency limit, token lifetime and
// clock, a static token, canned failures (FailNext), a down switch (SetDown),
// and records that change while being read (SetRecords from OnRequest).
//
// # Sample data
//
// Sample(now) returns six conferences that ended during the four UTC days
// before now's day, with subjects, schedulers and invite lists:
//
//	meeting ID  confUUID                          what it shows
//	9601234501  5d0c8f3a2b1e4c7d9a6f0e1b2c3d4e51  "Weekly product sync", 8 people, 11 records: re-joins,
//	                                              one person on two numbers at once (soft client and
//	                                              phone), a record still open (leftTime 0), late joiners,
//	                                              early leavers, a dial-in, an overrun past the hour;
//	                                              2 invited no-shows, 2 uninvited joiners
//	9601234502  8e3b1d2c4f5a46b7a8c9d0e1f2a3b4c5  "项目周会：华南区上线复盘": Chinese names and departments,
//	                                              zh-CN labels (软终端, 硬终端, 手机; 视频, 语音), an
//	                                              anonymous number, one person on two numbers; 8 people
//	                                              = 7 invited − 1 no-show + 2 uninvited
//	9601234503  c0ffee00deadbeef0123456789abcdef  hostile text: <!channel>, <@U123>, *bold*, a&b<c>,
//	                                              =HYPERLINK("x"), a 300-character name, emoji, Arabic
//	                                              and Hebrew, a right-to-left override, newlines, empty
//	                                              fields, a record with every field empty
//	9601234504  1234abcd5678ef901234abcd5678ef90  "Company town hall Q4": exactly 1,234 records (3 pages),
//	                                              1,000 people, 1,039 invited (3 pages of confDetail)
//	9601234505  a1b2c3d4e5f60718293a4b5c6d7e8f90  "Daily stand-up", yesterday
//	9601234505  0f9e8d7c6b5a49382716f5e4d3c2b1a0  "Daily stand-up", the day before: one meeting ID, two
//	                                              instances; an uninvited joiner, a no-show
//
// The same constants are exported (SampleSyncUUID, ...). SampleSeries(now,
// runs, people) adds the weekly runs of a "Team stand-up" (meeting ID
// 9601234506) for series of runs; the demo serves 6 runs of 12 people.
// Generation is deterministic: the same day gives the same data.
package meetingfake
