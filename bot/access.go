package bot

import (
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// access decides who may use the bot. Empty lists allow everyone. It holds a
// per-user token bucket so one person cannot flood the meeting API. Safe for
// concurrent use.
type access struct {
	users, channels, teams []string

	mu       sync.Mutex
	limiters map[string]*userLimit
	every    rate.Limit
	burst    int
	maxUsers int
}

type userLimit struct {
	lim  *rate.Limiter
	seen time.Time
}

// AccessConfig says who may use the bot and how fast.
type AccessConfig struct {
	Users, Channels, Teams []string // allowed IDs; an empty list allows all
	UserRate               float64  // requests per second per user (bursts of 5); 0 = unlimited
}

func newAccess(cfg AccessConfig) *access {
	every := rate.Limit(cfg.UserRate)
	if cfg.UserRate <= 0 {
		every = rate.Inf
	}
	return &access{
		users: cfg.Users, channels: cfg.Channels, teams: cfg.Teams,
		limiters: make(map[string]*userLimit),
		every:    every,
		burst:    5,
		maxUsers: 10000,
	}
}

// allowed reports whether the user, channel and workspace are all permitted.
func (a *access) allowed(user, channel, team string) bool {
	return a.userAllowed(user, team) && permits(a.channels, channel)
}

// userAllowed reports whether the user and workspace are permitted: the
// user may use the bot in the allowed channels.
func (a *access) userAllowed(user, team string) bool {
	return permits(a.users, user) && permits(a.teams, team)
}

// permits reports whether an allow list lets id in; an empty one lets
// everyone in.
func permits(list []string, id string) bool { return len(list) == 0 || slices.Contains(list, id) }

// take spends one of the user's command tokens at now; false means wait.
// The map is bounded: when full, users idle longest are forgotten first
// (a forgotten user simply starts with a full bucket again).
func (a *access) take(user string, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	ul, ok := a.limiters[user]
	if !ok {
		if len(a.limiters) >= a.maxUsers {
			a.evict(now)
		}
		ul = &userLimit{lim: rate.NewLimiter(a.every, a.burst)}
		a.limiters[user] = ul
	}
	ul.seen = now
	return ul.lim.AllowN(now, 1)
}

// evict drops every user whose bucket has refilled (they lose nothing), or,
// if none has, the tenth of users seen longest ago.
func (a *access) evict(now time.Time) {
	for id, ul := range a.limiters {
		if ul.lim.TokensAt(now) >= float64(a.burst) {
			delete(a.limiters, id)
		}
	}
	if len(a.limiters) < a.maxUsers {
		return
	}
	ids := make([]string, 0, len(a.limiters))
	for id := range a.limiters {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(x, y string) int { return a.limiters[x].seen.Compare(a.limiters[y].seen) })
	for _, id := range ids[:max(1, len(ids)/10)] {
		delete(a.limiters, id)
	}
}
