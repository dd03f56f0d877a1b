# SPDX-License-Identifier: GPL-3.0-or-later
set(_qt_components Core Network Sql Test)
if(RELAYDESK_WITH_UI)
    list(APPEND _qt_components Gui Widgets Charts LinguistTools)
endif()
find_package(Qt6 6.4 REQUIRED COMPONENTS ${_qt_components})
find_package(Qt6Keychain REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
find_package(simdjson 3 REQUIRED CONFIG)
find_path(TL_EXPECTED_INCLUDE_DIR tl/expected.hpp REQUIRED)

# http-parser 2.9.4 ships neither a .pc file nor a CMake config.
find_path(HTTP_PARSER_INCLUDE_DIR http_parser.h REQUIRED)
find_library(HTTP_PARSER_LIBRARY NAMES http_parser REQUIRED)
if(NOT TARGET http_parser::http_parser)
    add_library(http_parser::http_parser UNKNOWN IMPORTED)
    set_target_properties(http_parser::http_parser PROPERTIES
        IMPORTED_LOCATION "${HTTP_PARSER_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${HTTP_PARSER_INCLUDE_DIR}")
endif()

# Compressed request bodies (Codex sends zstd; PROTOCOLS.md §4.2): zlib for gzip/deflate, libzstd for zstd.
find_package(ZLIB REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
