package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/meeting"
)

// Outcomes label what happened to a command, in logs and metrics.
const (
	outcomeOK          = "ok"
	outcomeInvalid     = "invalid_input"
	outcomeNotFound    = "not_found"
	outcomeForbidden   = "no_permission"
	outcomeUnavailable = "unavailable"
	outcomeTimeout     = "timeout"
	outcomeSlack       = "slack_error"
	outcomeInternal    = "internal"
	outcomeRefused     = "refused"
	outcomeThrottled   = "throttled"
	outcomeDuplicate   = "duplicate"
	outcomeTooLarge    = "too_large"
	outcomeIgnored     = "ignored" // a button of another app
	outcomeStore       = "store_unavailable"
)

// errorTable maps every error the bot can meet to the one sentence the user
// reads. Order matters: the first match wins. Details go to the log.
var errorTable = []struct {
	match   func(error) bool
	outcome string
	text    func(err error) string
}{
	{errInvalid, outcomeInvalid, func(err error) string {
		var ie *InputError
		if errors.As(err, &ie) {
			return ie.Msg
		}
		return "That doesn't look like a meeting I can look up. " + exampleUsage
	}},
	{is(errNoMatch), outcomeNotFound, constant("No meeting in the last 30 days has that in its subject. Try other words, the meeting ID, or `/attendees` for recent meetings.")},
	{is(meeting.ErrNotFound), outcomeNotFound, constant("I couldn't find that meeting. Check the ID; only meetings from the last 6 months that the bot's meeting account can see are available.")},
	{is(meeting.ErrForbidden), outcomeForbidden, constant("The meeting service doesn't let this bot see that meeting. Ask the meeting's host or your meeting admin to give the bot's account access.")},
	{is(meeting.ErrUnauthorized), outcomeForbidden, constant("The bot can't sign in to the meeting service right now. Please tell your Slack admin; its meeting credentials need checking.")},
	{is(meeting.ErrTooManyRecords), outcomeTooLarge, constant("That meeting has more attendee records than the bot is set to read. Ask your admin to raise MEETING_MAX_RECORDS.")},
	{is(meeting.ErrTooLarge), outcomeTooLarge, constant("The meeting service sent more data for that meeting than the bot will read (over 4 MiB in one answer, or 32 MiB in all). Please tell your Slack admin; the bot's log has the details.")},
	// Before the deadline row: a store that timed out is the store's fault.
	{is(errStore), outcomeStore, constant("I couldn't reach my database just now, so nothing was changed. Please try again in a minute; if it keeps happening, tell your Slack admin.")},
	{is(context.DeadlineExceeded), outcomeTimeout, constant("That took too long: the meeting service is slow right now. Please try again in a minute.")},
	{is(context.Canceled), outcomeUnavailable, constant("I'm restarting and couldn't finish this. Please try again in a minute.")},
	{is(meeting.ErrRateLimited), outcomeUnavailable, constant("The meeting service is busy right now. Please try again in a minute.")},
	{is(meeting.ErrUnavailable), outcomeUnavailable, constant("The meeting service is unavailable right now. Please try again in a minute.")},
	{isSlack, outcomeSlack, func(err error) string {
		return fmt.Sprintf("Slack refused my reply (%s). If this keeps happening, tell your Slack admin.", slackReason(err))
	}},
}

func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

func constant(s string) func(error) string { return func(error) string { return s } }

// explain returns the outcome label and the user's sentence for err. ref is
// the reference printed for internal errors; the caller logs it.
func explain(err error) (outcome, text, ref string) {
	for _, row := range errorTable {
		if row.match(err) {
			return row.outcome, row.text(err), ""
		}
	}
	ref = newRef()
	return outcomeInternal, fmt.Sprintf("Something went wrong on my side (reference `%s`). Please try again; if it keeps happening, give that reference to your Slack admin.", ref), ref
}

// newRef returns a short random reference that links a user's message to a log line.
func newRef() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func isSlack(err error) bool { return slackCode(err) != "" }

// slackReason is the short code Slack gave for a failure, for people.
func slackReason(err error) string {
	if code := slackCode(err); code != "" {
		return code
	}
	return "unknown"
}

// slackCode is the short code of a Slack API failure, "" when err is not one.
func slackCode(err error) string {
	var se slack.SlackErrorResponse
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	switch {
	case errors.As(err, &se):
		return se.Err
	case errors.As(err, &rl):
		return "rate limited"
	case errors.As(err, &sc):
		return fmt.Sprintf("HTTP %d", sc.Code)
	}
	return ""
}

// refusedAuth reports whether a Slack error code says the token is no good.
func refusedAuth(code string) bool {
	switch code {
	case "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired":
		return true
	}
	return false
}

// notMember reports whether err says the bot cannot post in that channel.
func notMember(err error) bool {
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		return false
	}
	switch se.Err {
	case "not_in_channel", "channel_not_found", "is_archived", "restricted_action", "access_denied":
		return true
	}
	return false
}

// UserMessage is the sentence a person reads for err at a terminal: the
// Slack sentence in the words of command (the lookup command line), as
// plain text. Internal errors show the error itself.
func UserMessage(err error, command string) string {
	_, text, ref := explain(err)
	if ref != "" {
		return fmt.Sprintf("unexpected error: %v", err)
	}
	c := command + " "
	text = strings.NewReplacer(
		exampleUsage, "Try "+c+"987 654 3210 (a meeting ID), "+c+"9a0fa6d10a5b11eaae5e191763c22c0e (a conference UUID) or "+c+"weekly sync (subject words).",
		"Try other words, the meeting ID, or `/attendees` for recent meetings.", "Try other words or the meeting ID.",
		"Please tell your Slack admin; its meeting credentials need checking.", "Check the meeting credentials (MEETING_APP_ID and MEETING_APP_KEY, MEETING_ACCOUNT and MEETING_PASSWORD, or MEETING_ACCESS_TOKEN).",
		"Please tell your Slack admin; the bot's log has the details.", "LOG_LEVEL=debug shows the details.",
		"Ask your admin to raise MEETING_MAX_RECORDS.", "Raise MEETING_MAX_RECORDS to read it.",
		"`", "",
	).Replace(text)
	return text
}
