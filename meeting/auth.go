package meeting

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Login details fixed by the API.
const (
	clientTypeAPI   = 72  // "third-party API"; allows 64 live tokens per user
	authRequestTTL  = 600 // seconds an appauth signature stays valid
	defaultTokenTTL = 12 * time.Hour
	maxRenewMargin  = 5 * time.Minute
)

// authSource obtains a fresh token.
type authSource interface {
	login(ctx context.Context, c *Client) (*token, error)
	renewable() bool   // false for a static token: a 401 is final
	secrets() []string // credential values to keep out of error text
}

// token is one access token with its lifetime. Immutable once built.
type token struct {
	access         Secret
	refresh        Secret
	expires        time.Time // zero: never
	renewAt        time.Time // zero: never
	refreshExpires time.Time // zero: unknown
}

func (t *token) renewDue(now time.Time) bool { return !t.renewAt.IsZero() && !now.Before(t.renewAt) }
func (t *token) expired(now time.Time) bool  { return !t.expires.IsZero() && !now.Before(t.expires) }

// tokenStore holds the client's one token. Renewals are coalesced so that
// concurrent callers cause one login.
type tokenStore struct {
	mu      sync.Mutex
	cur     *token
	flights flightGroup[*token]
}

func (s *tokenStore) current() *token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

func (s *tokenStore) set(t *token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur = t
}

// invalidate drops the token if it is still the current one, so a late 401 for
// an already replaced token does not throw the new one away.
func (s *tokenStore) invalidate(access Secret) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil && s.cur.access == access {
		s.cur = nil
	}
}

func (s *tokenStore) secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return nil
	}
	return []string{s.cur.access.Reveal(), s.cur.refresh.Reveal()}
}

// token returns a usable access token, logging in or renewing when needed.
func (c *Client) token(ctx context.Context) (Secret, error) {
	if s, ok := c.auth.(*staticAuth); ok {
		return s.token, nil
	}
	if t := c.tokens.current(); t != nil && !t.renewDue(c.now()) {
		return t.access, nil
	}
	t, _, err := c.tokens.flights.do(ctx, "token", c.renewToken)
	if err != nil {
		return "", fmt.Errorf("log in: %w", err)
	}
	return t.access, nil
}

// renewToken runs once per coalesced renewal. It refreshes a token that is
// about to expire when a refresh token is available, and logs in otherwise or
// when the refresh fails. If renewal fails while the old token is still valid,
// the old token is used and renewal is tried again on the next call.
func (c *Client) renewToken(ctx context.Context) (*token, error) {
	now := c.now()
	old := c.tokens.current()
	if old != nil && !old.renewDue(now) {
		return old, nil // renewed by a flight that just ended
	}
	var t *token
	var err error
	if old != nil && old.refresh != "" && !old.expired(now) && (old.refreshExpires.IsZero() || now.Before(old.refreshExpires)) {
		t, err = c.refreshToken(ctx, old)
		if err != nil && ctx.Err() == nil {
			c.log.WarnContext(ctx, "meeting api: token refresh failed, logging in", "error", err)
		}
	}
	if t == nil && ctx.Err() == nil {
		t, err = c.auth.login(ctx, c)
	}
	if err != nil && t == nil {
		if old != nil && !old.expired(c.now()) && ctx.Err() == nil {
			c.log.WarnContext(ctx, "meeting api: token renewal failed, using current token", "error", err)
			return old, nil
		}
		return nil, err
	}
	c.tokens.set(t)
	return t, nil
}

// refreshToken trades the refresh token for a new access token
// (PUT /v1/usg/acs/token with the refresh token in X-Access-Token).
func (c *Client) refreshToken(ctx context.Context, old *token) (*token, error) {
	resp, err := c.send(ctx, request{op: "refresh", method: http.MethodPut, path: "/v1/usg/acs/token"}, old.refresh)
	if err != nil {
		return nil, err
	}
	t, err := c.parseToken(resp)
	if err != nil {
		return nil, err
	}
	if t.refresh == "" { // keep the old refresh token if none came back
		t.refresh, t.refreshExpires = old.refresh, old.refreshExpires
	}
	return t, nil
}

// loginError gives a rejected login its meaning: any 4xx other than 429
// (400 bad signature, 401, 403, 412 disabled, 423 locked) means the
// credentials do not work.
func loginError(err error) error {
	var apiErr *Error
	if errors.As(err, &apiErr) && apiErr.HTTPStatus >= 400 && apiErr.HTTPStatus < 500 && apiErr.HTTPStatus != http.StatusTooManyRequests {
		return fmt.Errorf("%w: %w", ErrUnauthorized, err)
	}
	return err
}

// parseToken reads the token fields shared by the login and refresh answers.
func (c *Client) parseToken(resp *response) (*token, error) {
	var w wireToken
	if err := decodeLenient(resp.body, &w); err != nil || w.AccessToken == "" {
		return nil, fmt.Errorf("token response without an access token (request id %s): %w", resp.requestID, ErrUnavailable)
	}
	now := c.now()
	t := &token{access: Secret(w.AccessToken), refresh: Secret(w.RefreshToken)}
	const maxSeconds = 10 * 365 * 24 * 3600
	switch {
	case w.ValidPeriod > 0:
		t.expires = now.Add(time.Duration(min(int64(w.ValidPeriod), maxSeconds)) * time.Second)
	case w.ExpireTime > 0 && w.ExpireTime < 1<<40:
		t.expires = time.Unix(int64(w.ExpireTime), 0)
	default: // not stated: assume the documented minimum
		t.expires = now.Add(defaultTokenTTL)
	}
	if validity := t.expires.Sub(now); validity > 0 {
		t.renewAt = t.expires.Add(-min(validity/10, maxRenewMargin))
	} else {
		t.renewAt = now // already stale by our clock: use it once, renew next time
	}
	switch {
	case w.RefreshValidPeriod > 0:
		t.refreshExpires = now.Add(time.Duration(min(int64(w.RefreshValidPeriod), maxSeconds)) * time.Second)
	case w.RefreshExpireTime > 0 && w.RefreshExpireTime < 1<<40:
		t.refreshExpires = time.Unix(int64(w.RefreshExpireTime), 0)
	}
	return t, nil
}

// staticAuth is a token obtained elsewhere.
type staticAuth struct{ token Secret }

func (a *staticAuth) login(context.Context, *Client) (*token, error) {
	return &token{access: a.token}, nil
}
func (a *staticAuth) renewable() bool   { return false }
func (a *staticAuth) secrets() []string { return []string{a.token.Reveal()} }

// appAuth is App ID authentication.
type appAuth struct {
	appID, userID, corpID string
	appKey                Secret
}

func (a *appAuth) renewable() bool   { return true }
func (a *appAuth) secrets() []string { return []string{a.appKey.Reveal()} }

func (a *appAuth) login(ctx context.Context, c *Client) (*token, error) {
	nonce, err := newNonce()
	if err != nil {
		return nil, err
	}
	expire := c.now().Unix() + authRequestTTL
	body, err := json.Marshal(struct {
		AppID      string `json:"appId"`
		ClientType int    `json:"clientType"`
		ExpireTime int64  `json:"expireTime"`
		Nonce      string `json:"nonce"`
		UserID     string `json:"userId,omitempty"`
		CorpID     string `json:"corpId,omitempty"`
	}{a.appID, clientTypeAPI, expire, nonce, a.userID, a.corpID})
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Authorization", "HMAC-SHA256 signature="+AppAuthSignature(a.appID, a.corpID, a.userID, a.appKey, expire, nonce)+
		",access="+base64.StdEncoding.EncodeToString([]byte(a.appID)))
	h.Set("X-Token-Type", "LongTicket")
	resp, err := c.send(ctx, request{op: "appauth", method: http.MethodPost, path: "/v2/usg/acs/auth/appauth", body: body, header: h}, "")
	if err != nil {
		return nil, loginError(err)
	}
	return c.parseToken(resp)
}

// AppAuthSignature computes the App ID authentication signature: lowercase
// hex of HMAC-SHA256 keyed with appKey over "appId:userId:expireTime:nonce",
// or "appId:corpId:userId:expireTime:nonce" when corpID is set. It is exported
// so fakes and tests check signatures with the same definition.
func AppAuthSignature(appID, corpID, userID string, appKey Secret, expireTime int64, nonce string) string {
	msg := appID + ":" + userID + ":" + strconv.FormatInt(expireTime, 10) + ":" + nonce
	if corpID != "" {
		msg = appID + ":" + corpID + ":" + userID + ":" + strconv.FormatInt(expireTime, 10) + ":" + nonce
	}
	mac := hmac.New(sha256.New, []byte(appKey.Reveal()))
	mac.Write([]byte(msg))
	return hex.EncodeToString(mac.Sum(nil))
}

func newNonce() (string, error) {
	b := make([]byte, 24) // 48 hex characters; the API wants 32 to 64
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("nonce: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// accountAuth is account/password authentication.
type accountAuth struct {
	account  string
	password Secret
}

func (a *accountAuth) renewable() bool { return true }
func (a *accountAuth) secrets() []string {
	return []string{a.password.Reveal(), base64.StdEncoding.EncodeToString([]byte(a.account + ":" + a.password.Reveal()))}
}

func (a *accountAuth) login(ctx context.Context, c *Client) (*token, error) {
	body, err := json.Marshal(struct {
		Account    string `json:"account"`
		ClientType int    `json:"clientType"`
	}{a.account, clientTypeAPI})
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(a.account+":"+a.password.Reveal())))
	resp, err := c.send(ctx, request{op: "account", method: http.MethodPost, path: "/v1/usg/acs/auth/account", body: body, header: h}, "")
	if err != nil {
		return nil, loginError(err)
	}
	return c.parseToken(resp)
}
