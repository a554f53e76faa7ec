// Package casework is the core of 阳光代办: a case (one 服务申请), its statuses
// and the enterprise-facing stages, the workflow table of actions, Apply, the
// working-day deadline rules, the timeline, ratings and case numbers.
//
// It imports no transport, database, cache or WeChat package: storage and the
// HTTP surfaces adapt to it, not the other way round.
package casework
