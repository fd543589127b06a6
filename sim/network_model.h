#pragma once
/// The interface of network models: links, and flows of bytes along paths of links.
///
/// The workload side says what moves ("B bytes from rank 2 to rank 5 along this path"); the
/// network model decides when it arrives. Models are swappable behind this interface.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/signal.h"
#include "sim/time.h"

namespace moesim {

using LinkId = uint32_t;

struct LinkConfig {
  std::string name;        ///< unique, for messages and traces ("gpu0->switch")
  std::string link_class;  ///< trace lane and statistics group ("nvlink-up")
  double bandwidth = 0.0;  ///< bytes per second, > 0
  Time latency;            ///< added once per flow crossing the link
};

/// Who a flow belongs to; carried through to observers.
struct FlowTag {
  uint32_t src = 0;
  uint32_t dst = 0;
  uint32_t kind = 0;  ///< model-defined (dispatch, combine, ...)
};

/// Emitted when a flow completes.
struct FlowRecord {
  uint64_t id;
  FlowTag tag;
  double bytes;
  Time created;                     ///< when start_flow was called
  Time finished;                    ///< when the last byte arrived
  const std::vector<LinkId>* path;  ///< valid only during the emit call
};

/// Throws std::invalid_argument, naming the link, for a bandwidth that is not positive and
/// finite or a negative latency: what every model's add_link checks.
void check_link_config(const LinkConfig& config);

class NetworkModel {
 public:
  virtual ~NetworkModel() = default;

  /// Adds a directed link. Throws std::invalid_argument for a non-positive bandwidth, a
  /// negative latency or a duplicate name.
  virtual LinkId add_link(const LinkConfig& config) = 0;

  /// Starts moving `bytes` (>= 0) along `path` (non-empty, valid link ids) now; `on_done` runs
  /// when the last byte arrives. Returns the flow id.
  virtual uint64_t start_flow(const std::vector<LinkId>& path, double bytes, FlowTag tag,
                              std::function<void()> on_done) = 0;

  virtual const LinkConfig& link(LinkId id) const = 0;
  virtual size_t link_count() const = 0;
  /// Bytes that have completed crossing the link so far.
  virtual double bytes_carried(LinkId id) const = 0;
  virtual size_t active_flows() const = 0;
  /// Whether flows finish in the closed form of the collective-level model (link bytes over
  /// bandwidth, no sharing dynamics), so that a whole collective may be timed without flows.
  virtual bool collective_level() const { return false; }

  Signal<FlowRecord> flow_finished;
};

}  // namespace moesim
