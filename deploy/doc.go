// Package deploy holds everything needed to run attendees-bot: the Slack app
// manifest, the container image's Dockerfile, Kubernetes manifests, a
// docker-compose file for a local two-replica try with PostgreSQL and a
// systemd unit for a plain VM.
//
// The package has no code of its own. Its tests keep these files honest
// against the program: every variable of bot.Config is documented in the
// README and present in the ConfigMap or Secret (and nothing else is), the
// manifest's slash command is the default SLACK_COMMAND, the bot scopes are
// the ones the code needs, the probe paths are served by bot.NewMux and every
// YAML file parses. The image cannot be built by the tests, so the
// Dockerfile's essentials are checked as text.
package deploy
