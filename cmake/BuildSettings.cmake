# SPDX-License-Identifier: GPL-3.0-or-later
# Warnings, Qt defines and sanitizers shared by every target (linked PRIVATE).
add_library(relaydesk_build_settings INTERFACE)
target_compile_features(relaydesk_build_settings INTERFACE cxx_std_20)
target_compile_definitions(relaydesk_build_settings INTERFACE
    QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_CAST_FROM_BYTEARRAY QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER QT_NO_FOREACH QT_NO_CONTEXTLESS_CONNECT QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    RELAYDESK_VERSION="${PROJECT_VERSION}")
if(MSVC)
    target_compile_options(relaydesk_build_settings INTERFACE /W4)
else()
    target_compile_options(relaydesk_build_settings INTERFACE
        -Wall -Wextra -Wpedantic -Wshadow -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual)
    if(RELAYDESK_WERROR)
        target_compile_options(relaydesk_build_settings INTERFACE -Werror)
    endif()
endif()
if(RELAYDESK_ASAN)
    target_compile_options(relaydesk_build_settings INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(relaydesk_build_settings INTERFACE -fsanitize=address,undefined)
endif()
if(RELAYDESK_TSAN)
    target_compile_options(relaydesk_build_settings INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
    target_link_options(relaydesk_build_settings INTERFACE -fsanitize=thread)
endif()
