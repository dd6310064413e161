// Package slackfake is an in-process fake Slack for end-to-end tests of a
// Socket Mode app built on github.com/slack-go/slack. It speaks the wire
// formats slack-go v0.35.0 uses and checks everything it receives, so a test
// passes only if the app talks to Slack the way real Slack requires.
//
// Start a Server, point the client at it with
// slack.OptionAPIURL(srv.APIURL()) and slack.OptionAppLevelToken, drive it
// with SlashCommand, BlockAction, Shortcut (global and message shortcuts),
// SubmitView, CloseView, AppHomeOpened, Redeliver, Disconnect and
// DropConnection, wait for results with WaitAck, WaitResponses, WaitPosts,
// WaitFiles, WaitViews and WaitPublishes, and
// finish with an empty Violations(). Every wait is bounded by its context and
// woken by state changes, never by polling.
//
// # What it serves
//
//   - POST /api/apps.connections.open: Authorization: Bearer <app token>,
//     empty body; answers a single-use ws://…/link/?ticket=… URL.
//   - GET /link/?ticket=…: the Socket Mode socket. It sends hello first,
//     a WebSocket PING every Config.PingInterval, and envelopes to the newest
//     live socket (one not dropped and not sent a disconnect), waiting for one
//     if there is none and moving to another if a write fails; it reads acks
//     from any socket.
//   - POST /api/<method>, form-encoded with token=<bot token>: auth.test,
//     chat.postMessage, chat.postEphemeral, chat.update, conversations.open,
//     conversations.info, users.info (locale with include_locale),
//     files.getUploadURLExternal and files.completeUploadExternal; JSON with
//     a Bearer token: views.open, views.update and views.publish.
//   - POST /upload/v1/<file id>: the upload_url, on the API's own host
//     (slack-go refuses to send the token anywhere else).
//   - POST /response/<id>: the response_url of each envelope.
//
// # What it checks
//
// Each failed check appends a line to Violations:
//
//   - Socket: unknown or reused ticket; non-text or non-JSON frames; frames
//     without envelope_id; acks of unknown envelopes; more acks than
//     deliveries; acks later than AckDeadline (3 s) or of MaxAckSize (20 KiB)
//     or more. A delivery still unacked after 3 s is reported by Violations
//     itself.
//   - Tokens: app token on apps.connections.open, bot token on Web API
//     calls (form field, or Bearer header) and on upload URLs; tokens in URL
//     queries; unknown paths and unknown Web API methods (unknown_method).
//   - Messages (chat.*, response_url, file blocks): text or blocks present;
//     text at most 40,000 characters; blocks decode into slack.Blocks, use
//     known types and respect Slack's limits (50 blocks, section text 3,000,
//     10 fields of 2,000, plain_text headers of 150, 1–10 context elements,
//     1–25 action elements, buttons with text and action_id); a thread_ts
//     names a message the fake posted in that channel.
//   - response_url: JSON body with Content-Type application/json,
//     response_type "", "ephemeral" or "in_channel", boolean
//     replace_original/delete_original, known URL, at most 5 posts within
//     30 minutes. replace_original and delete_original need a message on
//     screen from that URL: the last one it posted, or for a button press
//     the message holding the button; a replacement keeps the message's
//     response_type. Shown tells what each URL has on screen.
//   - chat.update: channel and ts of a message the bot posted there (not an
//     ephemeral one), text or blocks checked as for a post. Updates lists
//     the edits; Message gives a post as it reads now.
//   - Views: a trigger_id opens one view, within TriggerLife (3 s) of the
//     interaction (after that: expired_trigger_id, an answer; twice or
//     unknown: a violation); views.update names a known view, and a stale
//     hash gets hash_conflict; views decode, a modal has a plain_text title
//     (and submit when it has inputs) of at most 24 characters, inputs have
//     block IDs, at most 100 blocks and 100 options; the ack of a
//     view_submission is empty or a known response_action whose errors name
//     input blocks of the view; other interactive acks carry no payload.
//   - Files: filename and length > 0; the upload's byte count equals the
//     declared length (multipart part "file" or raw body); one upload per
//     file; completion only of uploaded, not yet completed files.
//
// Channel errors are answers, not violations, because the app is expected to
// handle them: a public channel the bot is not in gives not_in_channel, a
// private one or an unknown ID gives channel_not_found. DM channels "D"+user
// exist once conversations.open has opened them. RateLimitNext and FailNext
// inject 429s and ok:false errors; Stats counts calls made during a
// Retry-After window as EarlyRetries.
package slackfake
