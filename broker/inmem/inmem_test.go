package inmem_test

import (
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/broker/brokertest"
	"github.com/parleychat/parley/broker/inmem"
)

func TestConformance(t *testing.T) {
	brokertest.Run(t, func(t *testing.T) parley.Broker { return inmem.New(inmem.Config{}) })
}
