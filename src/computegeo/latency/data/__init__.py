"""Package data of the latency model: hubs, links, fitted parameters, validation sample."""
