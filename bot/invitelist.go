package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// The invite list fetched beside a lookup's records: how long an answer
// waits for it, and the comparison that follows the answer when it comes
// late (see Looker.Lookup).

// Comparison is the report compared with an invite list that arrives after
// the answer. Safe for concurrent use.
type Comparison struct {
	done   chan struct{}
	report *attendance.Report
	err    error
	cancel context.CancelFunc
}

// Wait returns the compared report, or why there is none (the invite list
// failed, or did not come within the invite wait). It gives up when ctx
// ends, without ending the comparison.
func (c *Comparison) Wait(ctx context.Context) (*attendance.Report, error) {
	select {
	case <-c.done:
		return c.report, c.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// Cancel stops waiting for the invite list.
func (c *Comparison) Cancel() { c.cancel() }

// inviteGrace is how long an answer waits for the invite list after its n
// records came, which took took. Up to 10 pages, the invite list's pages
// are asked for with or right after the records' and land within about a
// round trip of them: it gets half the records' time, 50 to 250 ms, less
// than anyone notices. A larger meeting gets none: its invite pages wait
// behind its record pages, so when the records are in, most of the list
// is still to be asked for and no short wait catches it. Waiting only
// delayed the answer: 50 ms of a town hall's (BenchmarkTownHallFirstAnswer,
// 1.12 → 1.09 × its bound, which allows 1.10).
func inviteGrace(took time.Duration, n int) time.Duration {
	if n <= 10*500 {
		return min(max(took/2, 50*time.Millisecond), 250*time.Millisecond)
	}
	return 0
}

// detailFetch is an invite list being read, detached from the lookup's
// context and bounded by the invite wait. detail and err are set when done
// is closed.
type detailFetch struct {
	done   chan struct{}
	detail *meeting.ConferenceDetail
	err    error
	cancel context.CancelFunc
}

// stop ends the fetch and waits for it: nothing of a lookup outlives its
// failure. A nil fetch (none started) does nothing.
func (f *detailFetch) stop() {
	if f != nil {
		f.cancel()
		<-f.done
	}
}

func (l *Looker) fetchDetail(ctx context.Context, confUUID string) *detailFetch {
	f := &detailFetch{done: make(chan struct{})}
	var dctx context.Context
	dctx, f.cancel = context.WithTimeout(context.WithoutCancel(ctx), l.inviteWait)
	go func() {
		defer close(f.done)
		f.detail, f.err = l.src.ConferenceDetail(dctx, confUUID)
	}()
	return f
}

func (l *Looker) inviteFailed(ctx context.Context, confUUID string, err error) {
	l.log.LogAttrs(context.WithoutCancel(ctx), slog.LevelInfo, "invite list unavailable: no comparison", slog.String("conf_uuid", confUUID), slog.Any("err", err))
}
