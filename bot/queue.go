package bot

import (
	"sync"
	"time"
)

// Under overload a user is told the truth at once: how many requests are
// ahead of theirs and about how long it will take, or, when that is longer
// than their request can wait, that the bot is too busy; never a "that
// took too long" 45 seconds later that blames the meeting service for the
// bot's own queue.

const (
	// rateWindow is how far back finished requests count for the rate.
	rateWindow = 20 * time.Second
	// minMeasured is how many finished requests the rate needs before it
	// replaces the configured estimate.
	minMeasured = 10
	// tellWaitAfter: a request expected to wait longer than this is told
	// how many are ahead of it (the answer then replaces that message).
	tellWaitAfter = 2 * time.Second
	// answerMargin is what a request needs after its wait: its own lookup
	// and reply.
	answerMargin = 5 * time.Second
)

// queue counts the requests admitted and not finished, and how fast
// requests finish, to tell a new request how long it will wait. Safe for
// concurrent use.
type queue struct {
	mu       sync.Mutex
	inside   int         // admitted, not finished
	finished []time.Time // finish times within rateWindow, oldest first
	// guess is the requests finished per second before enough finished to
	// measure.
	guess float64
}

// newQueue estimates from meetingRate, the meeting API's requests per
// second, until it measures: a lookup under load costs two requests (its
// records and its subject, or a meeting ID's history and its records).
func newQueue(meetingRate float64) *queue {
	if meetingRate <= 0 {
		meetingRate = 10
	}
	return &queue{guess: meetingRate / 2}
}

// enter admits a request at now and returns how many are ahead of it and
// the wait that makes.
func (q *queue) enter(now time.Time) (ahead int, wait time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	ahead = q.inside
	q.inside++
	return ahead, time.Duration(float64(ahead) / q.rateLocked(now) * float64(time.Second))
}

// leave records that an admitted request was served and finished at now.
func (q *queue) leave(now time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.inside--
	q.finished = append(q.finished, now)
}

// refuse takes back a request enter admitted that is not served after all:
// it finished nothing, so it does not count for the rate.
func (q *queue) refuse() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.inside--
}

// rateLocked is the requests finished per second over the window, or the
// guess while too few have finished.
func (q *queue) rateLocked(now time.Time) float64 {
	cut := 0
	for cut < len(q.finished) && now.Sub(q.finished[cut]) > rateWindow {
		cut++
	}
	q.finished = q.finished[cut:]
	if len(q.finished) < minMeasured {
		return q.guess
	}
	span := max(now.Sub(q.finished[0]), time.Second)
	return float64(len(q.finished)) / span.Seconds()
}
