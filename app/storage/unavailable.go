package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"
	"time"

	gosqlite "github.com/glebarez/go-sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"sunshine/app/errs"
)

// unavailableMessage is what a user reads while the database does not answer.
const unavailableMessage = "数据库暂时无法访问，请稍后再试"

// MySQL server errors that mean "not now" rather than "wrong request": too
// many connections, shutting down, connection killed, lock wait timeout,
// deadlock, read-only during a failover, and the like.
var mysqlUnavailable = map[uint16]bool{
	1040: true, // ER_CON_COUNT_ERROR
	1053: true, // ER_SERVER_SHUTDOWN
	1152: true, // ER_ABORTING_CONNECTION
	1205: true, // ER_LOCK_WAIT_TIMEOUT
	1213: true, // ER_LOCK_DEADLOCK
	1290: true, // ER_OPTION_PREVENTS_STATEMENT (--read-only)
	1836: true, // ER_READ_ONLY_MODE
	1927: true, // ER_CONNECTION_KILLED
	8027: true, // TiDB: information schema changed, retry
	9001: true, // TiDB: PD server timeout
	9002: true, // TiDB: TiKV server timeout
	9005: true, // TiDB: region unavailable
}

// SQLite result codes (primary, the low byte) that mean the database is
// busy, not that the statement is wrong.
const (
	sqliteBusy   = 5
	sqliteLocked = 6
)

// isUnavailable reports whether err means the database did not answer (a
// dead or unreachable server, a broken connection, a pool that could not
// give a connection in time, a busy SQLite file) rather than a bad query.
func isUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var myErr *mysqldriver.MySQLError
	if errors.As(err, &myErr) {
		return mysqlUnavailable[myErr.Number]
	}
	var liteErr *gosqlite.Error
	if errors.As(err, &liteErr) {
		c := liteErr.Code() & 0xff
		return c == sqliteBusy || c == sqliteLocked
	}
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysqldriver.ErrInvalidConn) ||
		errors.Is(err, sql.ErrConnDone) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		err.Error() == "sql: database is closed"
}

// unavailableCallback is the one place where a database that does not
// answer becomes errs.Unavailable (503 with Retry-After on every surface):
// it runs after every GORM operation, so no repository method can let a
// driver or network error through as an internal error.
func unavailableCallback(db *gorm.DB) {
	if db.Error != nil && !errors.As(db.Error, new(*errs.Error)) && isUnavailable(db.Error) {
		db.Error = errs.Wrap(errs.Unavailable, unavailableMessage, db.Error)
	}
}

// registerUnavailable installs unavailableCallback after every kind of
// GORM operation.
func registerUnavailable(g *gorm.DB) error {
	cb := g.Callback()
	return errors.Join(
		cb.Create().After("*").Register("sunshine:unavailable", unavailableCallback),
		cb.Query().After("*").Register("sunshine:unavailable", unavailableCallback),
		cb.Update().After("*").Register("sunshine:unavailable", unavailableCallback),
		cb.Delete().After("*").Register("sunshine:unavailable", unavailableCallback),
		cb.Row().After("*").Register("sunshine:unavailable", unavailableCallback),
		cb.Raw().After("*").Register("sunshine:unavailable", unavailableCallback),
	)
}

// MySQL errors after which InnoDB has rolled the whole transaction back and
// asks for it to be run again ("try restarting transaction").
var mysqlRestart = map[uint16]bool{
	1213: true, // ER_LOCK_DEADLOCK: this transaction was chosen as the victim
	1205: true, // ER_LOCK_WAIT_TIMEOUT (with innodb_rollback_on_timeout; else harmless to redo)
	8002: true, // TiDB: write conflict in optimistic mode, retry
}

// restartable reports whether err asks for the transaction to be run again.
func restartable(err error) bool {
	var myErr *mysqldriver.MySQLError
	return errors.As(err, &myErr) && mysqlRestart[myErr.Number]
}

// transact runs fn in one transaction on the writer. When MySQL picked the
// transaction as a deadlock victim (concurrent actions lock the audit chain
// head, case rows and outbox rows in different orders), it runs it again, at
// most twice more after a short pause: the server rolled it back whole, so
// nothing of the first try remains. fn must keep its effects inside tx.
func (db *DB) transact(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return err
			case <-time.After(time.Duration(attempt*attempt) * 10 * time.Millisecond):
			}
		}
		if err = db.W.WithContext(ctx).Transaction(fn); err == nil || !restartable(err) {
			return err
		}
	}
	return err
}
