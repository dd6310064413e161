package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
)

// localeSource tells a Slack user's locale (users.info with include_locale).
type localeSource interface {
	Locale(ctx context.Context, userID string) (string, error)
}

// Locale lookups are short and cached: a user's language rarely changes,
// and a failed lookup must not be retried on every request.
const (
	localeTimeout = 2 * time.Second
	// localeTimeoutView is users.info's share of the 3 s a trigger lives
	// when the request opens a view: the rest is Slack's delivery and
	// views.open. Past it the form opens in the fallback language.
	localeTimeoutView = time.Second
	localeTTL         = 6 * time.Hour
	localeRetryTTL    = time.Minute
	maxLocales        = 10000
)

// languages remembers each user's catalog language. Safe for concurrent use.
type languages struct {
	src      localeSource // nil: everyone gets fallback
	fallback string
	log      *slog.Logger

	mu    sync.Mutex
	users map[string]userLang
}

type userLang struct {
	lang    string
	expires time.Time
}

func newLanguages(src localeSource, fallback string, log *slog.Logger) *languages {
	return &languages{src: src, fallback: catalog.Supported(fallback), log: log, users: make(map[string]userLang)}
}

// of returns the printer of user's language: Slack's locale matched to the
// catalog, or the fallback when it is unknown or users.info fails or takes
// longer than wait.
func (l *languages) of(ctx context.Context, user string, now time.Time, wait time.Duration) *catalog.Printer {
	if l.src == nil || user == "" {
		return catalog.For(l.fallback)
	}
	l.mu.Lock()
	u, ok := l.users[user]
	l.mu.Unlock()
	if ok && now.Before(u.expires) {
		return catalog.For(u.lang)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), wait)
	defer cancel()
	locale, err := l.src.Locale(ctx, user)
	u = userLang{lang: catalog.Match(locale, l.fallback), expires: now.Add(localeTTL)}
	if err != nil {
		l.log.LogAttrs(ctx, slog.LevelWarn, "users.info failed; using BOT_LANGUAGE", slog.String("user", user), slog.Any("err", err))
		u = userLang{lang: l.fallback, expires: now.Add(localeRetryTTL)}
	}
	l.remember(user, u, now)
	return catalog.For(u.lang)
}

// remember stores u, dropping expired entries (or, if none has, all) when
// the map is full.
func (l *languages) remember(user string, u userLang, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.users) >= maxLocales {
		for id, v := range l.users {
			if !now.Before(v.expires) {
				delete(l.users, id)
			}
		}
		if len(l.users) >= maxLocales {
			clear(l.users)
		}
	}
	l.users[user] = u
}
