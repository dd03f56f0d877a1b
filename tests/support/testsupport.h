// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace rd::test {

// The source tree (for fixtures), from RELAYDESK_TEST_SOURCE_DIR set by CTest.
QString sourceDir();

} // namespace rd::test
