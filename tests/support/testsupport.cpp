// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/testsupport.h"

namespace rd::test {

QString sourceDir()
{
    return qEnvironmentVariable("RELAYDESK_TEST_SOURCE_DIR");
}

} // namespace rd::test
