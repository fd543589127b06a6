#include "sim/config/key_read_observer.h"

namespace moesim {

KeyReadObserver* KeyReadObserver::current_ = nullptr;

KeyReadObserver::KeyReadObserver(Callback callback)
    : callback_(std::move(callback)), previous_(current_) {
  current_ = this;
}

KeyReadObserver::~KeyReadObserver() {
  current_ = previous_;
}

}  // namespace moesim
