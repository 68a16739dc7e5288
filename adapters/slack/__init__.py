"""The Slack adapter: slack-bolt in, Block Kit out."""
